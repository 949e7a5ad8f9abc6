package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.operation.CapacityView;
import coffer.engine.operation.GroupPointView;
import coffer.engine.operation.GroupView;
import coffer.engine.operation.InstanceView;
import coffer.engine.operation.PlanView;
import coffer.engine.operation.PointView;
import coffer.engine.operation.PolicyView;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The views of catalog rows that need other rows (names of instances and policies, members, totals). Thread-safe. */
final class HostedViews {
    private final Catalog catalog;
    private final Clock clock;

    HostedViews(Catalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    List<InstanceView> instances(List<Instance> instances) {
        Map<String, Protection> protections = catalog.protections().list().stream()
                .collect(Collectors.toMap(Protection::instanceId, Function.identity()));
        return instances.stream().map(i -> InstanceView.of(i, protections.get(i.id()))).toList();
    }

    InstanceView instance(Instance instance) {
        return InstanceView.of(instance, catalog.protections().find(instance.id()).orElse(null));
    }

    PointView point(PointRecord point) {
        return PointView.of(point, clock.instant());
    }

    PlanView plan(Plan p) {
        return PlanView.of(p, catalog.instances().find(p.instanceId()).map(Instance::name).orElse(null),
                catalog.policies().find(p.policyId()).map(StoredPolicy::name).orElse(null));
    }

    PolicyView policy(StoredPolicy p) {
        return PolicyView.of(p, catalog.plans().listByPolicy(p.id()).size());
    }

    GroupView group(InstanceGroup group) {
        List<GroupView.Member> members = new ArrayList<>();
        for (String id : group.instanceIds()) {
            Optional<Instance> instance = catalog.instances().find(id);
            members.add(new GroupView.Member(id, instance.map(Instance::name).orElse(null),
                    instance.map(i -> i.gone() ? "gone" : i.state()).orElse("gone")));
        }
        return new GroupView(group.id(), group.name(), group.hostId(), members, group.createdAt());
    }

    GroupPointView groupPoint(GroupPointRecord point) {
        List<GroupPointView.Member> members = new ArrayList<>();
        boolean complete = true;
        for (int i = 0; i < point.pointIds().size(); i++) {
            Optional<PointRecord> row = catalog.points().find(point.pointIds().get(i));
            complete &= row.isPresent();
            members.add(new GroupPointView.Member(point.instanceIds().get(i), row.map(PointRecord::instanceName).orElse(null),
                    point.pointIds().get(i), row.map(PointRecord::consistency).orElse(null)));
        }
        return new GroupPointView(point.id(), point.groupId(), point.groupName(), point.vault(), point.instant(), point.mode(),
                point.pauseMillis(), point.freezeMillis(), point.jobId(), members, complete);
    }

    CapacityView capacity(Iterable<String> vaultNames) {
        Map<String, long[]> vaults = new TreeMap<>();
        vaultNames.forEach(name -> vaults.put(name, new long[3]));
        Map<String, long[]> instances = new TreeMap<>();
        Map<String, long[]> disks = new TreeMap<>();
        Map<java.time.LocalDate, long[]> days = new TreeMap<>();
        for (PointRecord p : catalog.points().listAll()) {
            add(days.computeIfAbsent(java.time.LocalDate.ofInstant(p.createdAt(), java.time.ZoneOffset.UTC), d -> new long[3]),
                    p.logicalBytes(), p.storedBytes());
            add(vaults.computeIfAbsent(p.vault(), v -> new long[3]), p.logicalBytes(), p.storedBytes());
            add(instances.computeIfAbsent(p.instanceId(), v -> new long[3]), p.logicalBytes(), p.storedBytes());
            for (PointRecord.PointDisk d : p.disks()) {
                add(disks.computeIfAbsent(p.instanceId() + "\u0000" + d.target(), v -> new long[3]), d.logicalBytes(), d.storedBytes());
            }
        }
        return new CapacityView(
                vaults.entrySet().stream().map(e -> new CapacityView.Vault(e.getKey(), e.getValue()[0], e.getValue()[1],
                        e.getValue()[2], ratio(e.getValue()))).toList(),
                instances.entrySet().stream().map(e -> new CapacityView.Instance(e.getKey(),
                        catalog.instances().find(e.getKey()).map(Instance::name).orElse(null), e.getValue()[0], e.getValue()[1],
                        e.getValue()[2], ratio(e.getValue()))).toList(),
                disks.entrySet().stream().map(e -> {
                    String[] key = e.getKey().split("\u0000", 2);
                    return new CapacityView.Disk(key[0], key[1], e.getValue()[0], e.getValue()[1], e.getValue()[2], ratio(e.getValue()));
                }).toList(),
                growth(days));
    }

    /** Running totals by day, oldest first. */
    private static List<CapacityView.Day> growth(Map<java.time.LocalDate, long[]> days) {
        List<CapacityView.Day> growth = new ArrayList<>();
        long logical = 0;
        long stored = 0;
        for (var day : days.entrySet()) {
            logical += day.getValue()[1];
            stored += day.getValue()[2];
            growth.add(new CapacityView.Day(day.getKey(), logical, stored));
        }
        return growth;
    }

    private static void add(long[] totals, long logical, long stored) {
        totals[0]++;
        totals[1] += logical;
        totals[2] += stored;
    }

    private static Double ratio(long[] totals) {
        return totals[2] == 0 ? null : Math.round(100.0 * totals[1] / totals[2]) / 100.0;
    }
}

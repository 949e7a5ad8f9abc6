package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.PointTotals;
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

    /** The instances with their protections (a page's: read in one statement, not every protection). */
    List<InstanceView> instances(List<Instance> instances) {
        Map<String, Protection> protections = catalog.protections().ofInstances(instances.stream().map(Instance::id)
                .toList()).stream().collect(Collectors.toMap(Protection::instanceId, Function.identity()));
        return instances.stream().map(i -> InstanceView.of(i, protections.get(i.id()))).toList();
    }

    InstanceView instance(Instance instance) {
        return InstanceView.of(instance, catalog.protections().find(instance.id()).orElse(null));
    }

    PointView point(PointRecord point) {
        return PointView.of(point, clock.instant());
    }

    PlanView plan(Plan p) {
        return plans(List.of(p)).getFirst();
    }

    /** The plans with their instances' and policies' names: two reads of instances and one of policies, not per plan. */
    List<PlanView> plans(List<Plan> plans) {
        Map<String, String> instances = names(plans.stream().map(Plan::instanceId).toList());
        Map<String, String> policies = policyNames(plans);
        return plans.stream().map(p -> PlanView.of(p, instances.get(p.instanceId()), policies.get(p.policyId()))).toList();
    }

    PolicyView policy(StoredPolicy p) {
        return policies(List.of(p)).getFirst();
    }

    /** The policies with how many plans use each: counted in one statement, not one list of plans per policy. */
    List<PolicyView> policies(List<StoredPolicy> policies) {
        Map<String, Integer> plans = catalog.plans().countByPolicies(policies.stream().map(StoredPolicy::id).toList());
        return policies.stream().map(p -> PolicyView.of(p, plans.getOrDefault(p.id(), 0))).toList();
    }

    GroupView group(InstanceGroup group) {
        return groups(List.of(group)).getFirst();
    }

    /** The groups with their members' names and states: the members of them all read at once, not one by one. */
    List<GroupView> groups(List<InstanceGroup> groups) {
        Map<String, Instance> instances = instancesById(groups.stream().flatMap(g -> g.instanceIds().stream()).toList());
        return groups.stream().map(group -> new GroupView(group.id(), group.name(), group.hostId(),
                group.instanceIds().stream().map(id -> {
                    Instance instance = instances.get(id);
                    return new GroupView.Member(id, instance == null ? null : instance.name(),
                            instance == null || instance.gone() ? "gone" : instance.state());
                }).toList(), group.createdAt())).toList();
    }

    /**
     * The group points with their members' points (a member whose point is gone leaves the group point incomplete):
     * the members' points of them all read at once, not one by one.
     */
    List<GroupPointView> groupPoints(List<GroupPointRecord> points) {
        Map<String, PointRecord> rows = catalog.points().find(points.stream().flatMap(p -> p.pointIds().stream()).toList())
                .stream().collect(Collectors.toMap(PointRecord::id, Function.identity()));
        return points.stream().map(point -> {
            List<GroupPointView.Member> members = new ArrayList<>();
            boolean complete = true;
            for (int i = 0; i < point.pointIds().size(); i++) {
                PointRecord row = rows.get(point.pointIds().get(i));
                complete &= row != null;
                members.add(new GroupPointView.Member(point.instanceIds().get(i), row == null ? null : row.instanceName(),
                        point.pointIds().get(i), row == null ? null : row.consistency()));
            }
            return new GroupPointView(point.id(), point.groupId(), point.groupName(), point.vault(), point.instant(),
                    point.mode(), point.pauseMillis(), point.freezeMillis(), point.jobId(), members, complete);
        }).toList();
    }

    /** The names of the plans' policies, by id, read in one statement. */
    Map<String, String> policyNames(List<Plan> plans) {
        return catalog.policies().find(plans.stream().map(Plan::policyId).distinct().toList()).stream()
                .collect(Collectors.toMap(StoredPolicy::id, StoredPolicy::name));
    }

    /** The names of these instances that exist, by id. */
    Map<String, String> names(List<String> instanceIds) {
        return instancesById(instanceIds).values().stream().collect(Collectors.toMap(Instance::id, Instance::name));
    }

    private Map<String, Instance> instancesById(List<String> ids) {
        return catalog.instances().find(ids).stream().collect(Collectors.toMap(Instance::id, Function.identity()));
    }

    /**
     * The capacity view from the catalog's sums ({@link coffer.engine.catalog.Points#totals}: four grouped queries, not
     * a read of every point); every configured vault is listed, with zeros when it holds no point.
     */
    CapacityView capacity(Iterable<String> vaultNames) {
        PointTotals totals = catalog.points().totals();
        Map<String, PointTotals.Sum> vaults = new TreeMap<>();
        vaultNames.forEach(name -> vaults.put(name, new PointTotals.Sum(name, null, 0, 0, 0)));
        totals.vaults().forEach(v -> vaults.put(v.key(), v));
        return new CapacityView(
                vaults.values().stream().map(v -> new CapacityView.Vault(v.key(), v.points(), v.logicalBytes(),
                        v.storedBytes(), ratio(v))).toList(),
                totals.instances().stream().map(i -> new CapacityView.Instance(i.key(), i.detail(), i.points(),
                        i.logicalBytes(), i.storedBytes(), ratio(i))).toList(),
                totals.disks().stream().map(d -> new CapacityView.Disk(d.key(), d.detail(), d.points(), d.logicalBytes(),
                        d.storedBytes(), ratio(d))).toList(),
                growth(totals.days()));
    }

    /** Running totals by day, oldest first. */
    private static List<CapacityView.Day> growth(List<PointTotals.Day> days) {
        List<CapacityView.Day> growth = new ArrayList<>();
        long logical = 0;
        long stored = 0;
        for (PointTotals.Day day : days) {
            logical += day.logicalBytes();
            stored += day.storedBytes();
            growth.add(new CapacityView.Day(day.day(), logical, stored));
        }
        return growth;
    }

    private static Double ratio(PointTotals.Sum sum) {
        return sum.storedBytes() == 0 ? null : Math.round(100.0 * sum.logicalBytes() / sum.storedBytes()) / 100.0;
    }
}

package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.GroupList;
import coffer.engine.operation.GroupPointList;
import coffer.engine.operation.GroupPointView;
import coffer.engine.operation.GroupView;
import coffer.engine.operation.ListDrills;
import coffer.engine.operation.ListGroupPoints;
import coffer.engine.operation.ListGroups;
import coffer.engine.operation.ListPlans;
import coffer.engine.operation.ListPolicies;
import coffer.engine.operation.ListProtections;
import coffer.engine.operation.PolicyList;
import coffer.engine.operation.ProtectionList;
import coffer.engine.operation.ProtectionView;
import coffer.engine.operation.PolicyView;
import coffer.engine.operation.PlanList;
import coffer.engine.operation.PlanView;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The lists whose rows name other rows read a page in a fixed number of catalog statements whatever its length, on
 * SQLite and PostgreSQL: plans (their instances' and policies' names), groups (their members' names and states),
 * group points (their members' points), policies (how many plans use each), protections (their instances' names) and drills (every instance's drills and last
 * passed drill). Counted with {@link Catalog#statementsRun()}: a page of 3 rows and a page of
 * 30 read the same number; before the views were batched each row read its instance, policy or point on its own.
 */
class BatchedViewsTest extends CatalogKindFixture {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    HostedOperations operations;

    void open(String kind) throws Exception {
        Clock clock = Clock.systemUTC();
        open(kind, clock);
        operations = LocalOperations.on(catalog, dir, clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPageOfPlansGroupsAndGroupPointsIsReadInTheSameStatementsWhateverItsLength(String kind) throws Exception {
        open(kind);
        Rows few = rows("few", 3);
        long plans = statements(() -> few.check(operations.call(new ListPlans(null, null, null, null, 1000))));
        long groups = statements(() -> few.check(operations.call(new ListGroups("few", null, 1000))));
        long groupPoints = statements(() -> few.check(operations.call(new ListGroupPoints(null, null, 1000))));
        long policies = statements(() -> few.check(operations.call(new ListPolicies(null, null, 1000))));

        Rows many = rows("many", 30); // ten times the rows: every list is now 11 times as long
        assertEquals(plans, statements(() -> many.check(operations.call(new ListPlans(null, null, null, null, 1000)))),
                "plans");
        assertEquals(groups, statements(() -> many.check(operations.call(new ListGroups("many", null, 1000)))), "groups");
        assertEquals(groupPoints, statements(() -> many.check(operations.call(new ListGroupPoints(null, null, 1000)))),
                "group points");
        assertEquals(policies, statements(() -> many.check(operations.call(new ListPolicies(null, null, 1000)))),
                "policies");
        System.out.printf("%s: a page of plans in %d statements, of groups in %d, of group points in %d, of policies in %d%n",
                kind, plans, groups, groupPoints, policies);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void drillsOfEveryInstanceAreReadInTheSameStatementsWhateverTheirNumber(String kind) throws Exception {
        open(kind);
        drilled("few", 3);
        long few = statements(() -> checkDrills(operations.call(new ListDrills(null, 2)), 3));
        drilled("many", 30); // eleven times the instances
        assertEquals(few, statements(() -> checkDrills(operations.call(new ListDrills(null, 2)), 33)), "drills");
        DrillList one = operations.call(new ListDrills("many-vm-4", 2));
        assertEquals(List.of(operations.call(new ListDrills(null, 2)).instances().stream()
                .filter(i -> i.instanceName().equals("many-vm-4")).findFirst().orElseThrow()), one.instances());
        System.out.printf("%s: drills of every instance in %d statements%n", kind, few);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPageOfProtectionsIsReadInTheSameStatementsWhateverItsLength(String kind) throws Exception {
        open(kind);
        protectedInstances("few", 3);
        long few = statements(() -> checkProtections(operations.call(new ListProtections(null, null, 1000)), 3));
        protectedInstances("many", 30);
        assertEquals(few, statements(() -> checkProtections(operations.call(new ListProtections(null, null, 1000)), 33)),
                "protections");
        System.out.printf("%s: a page of protections in %d statements%n", kind, few);
    }

    /** On host {@code host}: {@code n} protected instances. */
    private void protectedInstances(String host, int n) {
        catalog.hosts().ensure(host, "qemu+ssh://" + host + ".invalid/system");
        List<Instance> instances = IntStream.range(0, n).mapToObj(i -> new Instance("u-" + host + "-" + i, host,
                host + "-vm-" + i, "running", List.of(), T0, false)).toList();
        catalog.instances().refresh(host, instances);
        catalog.protections().protect(instances.stream().map(i -> new Protection(i.id(), true, List.of(), "default", T0))
                .toList());
    }

    /** Every protection with its instance's name (instance {@code u-<host>-<i>} is {@code <host>-vm-<i>}). */
    private static void checkProtections(ProtectionList list, int protections) {
        assertEquals(protections, list.protections().size(), list.toString());
        for (ProtectionView view : list.protections()) {
            String[] id = view.instance().split("-");
            assertEquals(id[1] + "-vm-" + id[2], view.name(), view.toString());
        }
    }

    /**
     * On host {@code host}: {@code n} instances with two points each. Instance {@code i}: when {@code i % 3 == 0} a
     * failed then a passed drill of its second point (proven by its listed drills); when {@code i % 3 == 1} a passed
     * drill of its first point then two failed ones (proven by an older drill than the two listed); else no drill.
     */
    private void drilled(String host, int n) {
        catalog.hosts().ensure(host, "qemu+ssh://" + host + ".invalid/system");
        List<Instance> instances = IntStream.range(0, n).mapToObj(i -> new Instance("u-" + host + "-" + i, host,
                host + "-vm-" + i, "running", List.of(), T0, false)).toList();
        catalog.instances().refresh(host, instances);
        for (int i = 0; i < n; i++) {
            Instance instance = instances.get(i);
            for (String p : List.of("a", "b")) {
                catalog.points().upsert(new PointRecord("pt-" + instance.name() + "-" + p, "default", instance.id(),
                        instance.name(), T0.plusSeconds(i), "available", "CRASH", 10, 1, null, null,
                        List.of(new PointRecord.PointDisk("vda", 10, 1)), null, PointRecord.LOCAL_REGION));
            }
            List<Boolean> passes = switch (i % 3) {
                case 0 -> List.of(false, true);
                case 1 -> List.of(true, false, false);
                default -> List.of();
            };
            for (int d = 0; d < passes.size(); d++) {
                Instant finished = T0.plusSeconds(1000L * i + d);
                String point = "pt-" + instance.name() + (i % 3 == 0 ? "-b" : "-a");
                catalog.drillRuns().record(new DrillRun("dr-" + instance.name() + "-" + d, instance.id(), point, "default",
                        finished.minusSeconds(1), finished, passes.get(d), passes.get(d) ? null : DrillRun.Phase.BOOT,
                        passes.get(d) ? null : "no agent", null, null, null, null, null, null));
            }
        }
    }

    /** The list names every instance by name, its two newest drills newest first, and its last passed drill. */
    private static void checkDrills(DrillList list, int instances) {
        assertEquals(instances, list.count(), list.toString());
        List<String> names = list.instances().stream().map(DrillList.InstanceDrills::instanceName).toList();
        assertEquals(names.stream().sorted().toList(), names);
        for (DrillList.InstanceDrills drills : list.instances()) {
            String name = drills.instanceName();
            int i = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
            String host = name.substring(0, name.indexOf('-'));
            List<String> expected = switch (i % 3) {
                case 0 -> List.of("dr-" + name + "-1", "dr-" + name + "-0");
                case 1 -> List.of("dr-" + name + "-2", "dr-" + name + "-1");
                default -> List.of();
            };
            assertEquals(expected, drills.drills().stream().map(DrillResult::id).toList(), drills.toString());
            assertEquals("u-" + host + "-" + i, drills.instance());
            switch (i % 3) {
                case 0 -> {
                    assertEquals(T0.plusSeconds(1000L * i + 1), drills.provenBootableAt(), drills.toString());
                    assertEquals("pt-" + name + "-b", drills.provenPoint());
                }
                case 1 -> {
                    assertEquals(T0.plusSeconds(1000L * i), drills.provenBootableAt(), drills.toString());
                    assertEquals("pt-" + name + "-a", drills.provenPoint());
                }
                default -> {
                    assertNull(drills.provenBootableAt(), drills.toString());
                    assertNull(drills.provenPoint());
                }
            }
        }
    }

    /** The statements {@code read} ran on the catalog. */
    private long statements(Runnable read) {
        long before = catalog.statementsRun();
        read.run();
        return catalog.statementsRun() - before;
    }

    /**
     * On host {@code host}: {@code n} instances, each with a plan of one of three policies and a point; {@code n / 3}
     * groups of three members, each with a group point of their points (the last one's third point deleted).
     */
    private Rows rows(String host, int n) {
        catalog.hosts().ensure(host, "qemu+ssh://" + host + ".invalid/system");
        List<Instance> instances = IntStream.range(0, n).mapToObj(i -> new Instance("u-" + host + "-" + i, host,
                host + "-vm-" + i, i % 2 == 0 ? "running" : "shutoff", List.of(), T0, false)).toList();
        catalog.instances().refresh(host, instances);
        List<StoredPolicy> policies = IntStream.range(0, 3).mapToObj(i -> catalog.policies().create(new Policy(
                host + "-policy-" + i, Schedule.of(Instant.parse("2030-01-01T00:00:00Z"), Interval.hours(1)),
                Retention.keepFor(RetentionPeriod.days(1)), false, ReplicationRule.OFF, ArchiveRule.OFF))).toList();
        List<InstanceGroup> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instance instance = instances.get(i);
            catalog.plans().create("plan-" + instance.name(), "plan-" + instance.name(), instance.id(),
                    policies.get(i % 3).id(), Instant.parse("2030-01-01T00:00:00Z"));
            catalog.points().upsert(new PointRecord("pt-" + instance.name(), "default", instance.id(), instance.name(),
                    T0.plusSeconds(i), "available", "CRASH", 10, 1, null, null,
                    List.of(new PointRecord.PointDisk("vda", 10, 1)), null, PointRecord.LOCAL_REGION));
        }
        for (int g = 0; g < n / 3; g++) {
            List<Instance> members = instances.subList(3 * g, 3 * g + 3);
            InstanceGroup group = catalog.groups().create(host + "-group-" + g, host,
                    members.stream().map(Instance::id).toList());
            groups.add(group);
            catalog.groups().recordPoint(new GroupPointRecord("gp-" + host + "-" + g, group.id(), group.name(), "default",
                    T0.plusSeconds(g), "CRASH", 5, null, null, group.instanceIds(),
                    members.stream().map(m -> "pt-" + m.name()).toList()));
        }
        catalog.points().delete("pt-" + instances.get(n - 1).name());
        return new Rows(host, instances, policies);
    }

    /** What a host's rows are, and what the lists must say of them. */
    private record Rows(String host, List<Instance> instances, List<StoredPolicy> policies) {
        void check(PlanList list) {
            List<PlanView> mine = list.plans().stream().filter(p -> p.instanceName() != null
                    && p.instanceName().startsWith(host + "-")).toList();
            assertEquals(instances.size(), mine.size(), list.toString());
            for (PlanView plan : mine) {
                int i = Integer.parseInt(plan.instanceName().substring((host + "-vm-").length()));
                assertEquals(instances.get(i).id(), plan.instance());
                assertEquals(policies.get(i % 3).name(), plan.policyName(), plan.toString());
            }
        }

        void check(PolicyList list) {
            List<PolicyView> mine = list.policies().stream().filter(p -> p.name().startsWith(host + "-")).toList();
            assertEquals(policies.size(), mine.size(), list.toString());
            for (PolicyView policy : mine) {
                int i = Integer.parseInt(policy.name().substring((host + "-policy-").length()));
                assertEquals((instances.size() + 2 - i) / 3, policy.plans(), policy.toString());
            }
        }

        void check(GroupList list) {
            assertEquals(instances.size() / 3, list.count());
            for (GroupView group : list.groups()) {
                int g = Integer.parseInt(group.name().substring((host + "-group-").length()));
                for (int m = 0; m < 3; m++) {
                    Instance instance = instances.get(3 * g + m);
                    assertEquals(new GroupView.Member(instance.id(), instance.name(), instance.state()),
                            group.instances().get(m), group.toString());
                }
            }
        }

        void check(GroupPointList list) {
            List<GroupPointView> mine = list.points().stream().filter(p -> p.groupName().startsWith(host + "-")).toList();
            assertEquals(instances.size() / 3, mine.size(), list.toString());
            for (GroupPointView point : mine) {
                int g = Integer.parseInt(point.groupName().substring((host + "-group-").length()));
                boolean last = g == instances.size() / 3 - 1;
                assertEquals(!last, point.complete(), point.toString());
                for (int m = 0; m < 3; m++) {
                    Instance instance = instances.get(3 * g + m);
                    boolean gone = last && m == 2;
                    assertEquals(new GroupPointView.Member(instance.id(), gone ? null : instance.name(),
                            "pt-" + instance.name(), gone ? null : "CRASH"), point.members().get(m), point.toString());
                }
            }
        }
    }
}

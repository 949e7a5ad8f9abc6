package coffer.engine.operation.hosted;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.ChangeSample;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rows of a group's job an agent claims, on the server's side ({@link HostedAgents}) on the real catalog, SQLite
 * and PostgreSQL (docs/design/agents.md "Job rows"): a group backup's claim carries the group and its members'
 * instances and change samples, a group restore's the group point and its members' instances and points, each in the group's member
 * order; and a group of 30 members is read in as many catalog statements as one of 3 (the members are read together,
 * not one by one).
 */
class AgentGroupRowsTest extends CatalogKindFixture {
    static final String AGENT = "edge:1:aa";

    MutableClock clock;
    HostedAgents agents;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGroupsClaimCarriesItsMembersInOrderInTheSameStatementsWhateverTheirNumber(String kind) throws Exception {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        open(kind, clock);
        agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
        List<Instance> instances = IntStream.range(0, 33).mapToObj(i -> new Instance("u-vm-" + i, "edge", "vm-" + i,
                "running", List.of(), clock.instant(), false)).toList();
        agents.announce(new AnnounceAgent("edge", "qemu:///system", AGENT, AgentProtocol.VERSION, AgentProtocol.PROTOCOL,
                instances, List.of("west")));

        long few = claimsOfGroup("few", instances.subList(30, 33)); // members of one group only: their samples its own
        long many = claimsOfGroup("many", instances.subList(0, 30));
        assertEquals(few, many, "a group of 30 members is read in the statements of one of 3");
        System.out.printf("%s: a group job's claim in %d statements%n", kind, few);
    }

    /**
     * Claims a backup and a restore of a group of {@code members} (listed last first, so that the group's order is not
     * the catalog's): checks their rows and answers the statements the two claims ran.
     */
    private long claimsOfGroup(String name, List<Instance> members) {
        List<Instance> order = new ArrayList<>(members.reversed());
        List<String> ids = order.stream().map(Instance::id).toList();
        InstanceGroup group = catalog.groups().create(name, "edge", ids);
        List<String> points = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (Instance member : order) {
            for (int n = 1; n >= 0; n--) { // two change samples each, newest first
                String sample = "sample-" + name + "-" + member.name() + "-" + n;
                samples.add(sample);
                catalog.changeAlerts().recordSample(new ChangeSample(sample, member.id(),
                        clock.instant().minusSeconds(3600 - n), 100, 10, 5));
            }
            String point = "pt-" + name + "-" + member.name();
            points.add(point);
            catalog.points().upsert(new PointRecord(point, "west", member.id(), member.name(),
                    clock.instant().minusSeconds(60), "available", "CRASH", 3000, 1200, null, null,
                    List.of(new PointRecord.PointDisk("vda", 1000, 200))));
        }
        String groupPoint = "gp-" + name;
        catalog.groups().recordPoint(new GroupPointRecord(groupPoint, group.id(), group.name(), "west",
                clock.instant().minusSeconds(60), "CRASH", 5, null, null, ids, points));

        Job backup = catalog.jobs().submit(new BackupGroup(group.id(), null, "west", null, null), "edge");
        long before = catalog.statementsRun();
        AgentClaim backupClaim = agents.claim(new ClaimAgentJob("edge", AGENT, 1, 0));
        long statements = catalog.statementsRun() - before;
        assertEquals(backup.id(), backupClaim.job().id(), "the group's backup is the agent's");
        assertEquals(ids, backupClaim.rows().instances().stream().map(Instance::id).toList(), "the members, in order");
        assertEquals(samples, backupClaim.rows().samples().stream().map(ChangeSample::pointId).toList(),
                "the members' change samples, in order, newest first");
        assertEquals(List.of(group.id()), backupClaim.rows().groups().stream().map(InstanceGroup::id).toList());
        end(backup);

        Job restore = catalog.jobs().submit(new RestoreGroup(groupPoint, "-copy", false, false, null), "edge");
        before = catalog.statementsRun();
        AgentClaim restoreClaim = agents.claim(new ClaimAgentJob("edge", AGENT, 1, 0));
        statements += catalog.statementsRun() - before;
        assertEquals(restore.id(), restoreClaim.job().id(), "the group's restore is the agent's");
        assertEquals(ids, restoreClaim.rows().instances().stream().map(Instance::id).toList(), "the members, in order");
        assertEquals(points, restoreClaim.rows().points().stream().map(PointRecord::id).toList(), "their points, in order");
        assertTrue(restoreClaim.rows().groupPoints().stream().anyMatch(p -> p.id().equals(groupPoint)));
        end(restore);
        return statements;
    }

    private void end(Job job) {
        assertTrue(agents.finish(new FinishAgentJob(job.id(), AGENT, JobState.cancelled, null, "Cancelled", "ended by the test",
                null, null, null, null, null, null, List.of())).accepted());
    }
}

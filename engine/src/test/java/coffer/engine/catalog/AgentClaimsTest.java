package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.CloneInstance;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.RestoreInstant;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.VerifyVault;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claims of agents and servers (docs/design/agents.md), on SQLite and PostgreSQL: on a host an agent serves, its
 * backups and restores are claimed by that agent only; a server's claim leaves them and takes the jobs agents do not
 * run (a verify); hosts no agent serves are the servers' as before.
 */
class AgentClaimsTest extends CatalogKindFixture {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentsHostJobsAreItsAndTheServersClaimLeavesThem(String kind) throws Exception {
        openWithEdge(kind, Clock.systemUTC());
        catalog.hosts().ensure("plain", "qemu+ssh://plain/system");
        Instant now = Instant.now();
        catalog.hosts().serveByAgent("edge", "edge:1:aa", now);

        Job edgeBackup = catalog.jobs().submit(BackupInstance.of("instance-1"), "edge");
        Job edgeVerify = catalog.jobs().submit(new VerifyVault("main", null, null), "edge");
        Job plainBackup = catalog.jobs().submit(BackupInstance.of("instance-2"), "plain");

        assertTrue(catalog.jobs().claimForAgent("plain", "edge:1:aa", 2, now).isEmpty(), "not the agent's host");
        Optional<Job> server1 = catalog.jobs().claimNext("server:1:bb", 2, now);
        Optional<Job> server2 = catalog.jobs().claimNext("server:1:bb", 2, now);
        assertEquals(edgeVerify.id(), server1.orElseThrow().id(), "a verify on the agent's host is still a server's");
        assertEquals(plainBackup.id(), server2.orElseThrow().id());
        assertTrue(catalog.jobs().claimNext("server:1:bb", 2, now).isEmpty(), "the agent's backup is left to it");

        Job claimed = catalog.jobs().claimForAgent("edge", "edge:1:aa", 2, now).orElseThrow();
        assertEquals(edgeBackup.id(), claimed.id());
        assertEquals(JobType.backup, claimed.type());
        assertEquals("edge:1:aa", catalog.jobs().claims().stream().filter(c -> c.jobId().equals(claimed.id()))
                .findFirst().orElseThrow().workerId());
        assertEquals(1, catalog.hosts().agentServed().size());

        // another agent took the host over (a newer announce): the first one claims nothing more there
        Job next = catalog.jobs().submit(BackupInstance.of("instance-1"), "edge");
        catalog.hosts().serveByAgent("edge", "edge:2:cc", now);
        assertTrue(catalog.jobs().claimForAgent("edge", "edge:1:aa", 2, now).isEmpty(), "the host is no longer its");
        assertEquals(next.id(), catalog.jobs().claimForAgent("edge", "edge:2:cc", 2, now).orElseThrow().id());
    }

    /**
     * An agent's waiting claim listens to {@code whenChangedAnywhere}: on PostgreSQL a job queued through another catalog
     * (another server) is heard (NOTIFY / LISTEN, {@code JobNotices}), not only at the next look a second later.
     */
    @org.junit.jupiter.api.Test
    void aJobQueuedByAnotherServerIsHeardOnPostgresql() throws Exception {
        openWithEdge("postgresql", Clock.systemUTC());
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        try (Catalog other = Catalog.open(database.config());
             coffer.engine.job.Jobs.Subscription ignored = catalog.jobs().whenChangedAnywhere(heard::countDown)) {
            // the listener's LISTEN may start after a first submit: submit until heard (each submit is a new change)
            for (int i = 0; i < 600 && heard.getCount() > 0; i++) {
                other.jobs().submit(BackupInstance.of("instance-" + i), "edge");
                heard.await(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            assertEquals(0, heard.getCount(), "a submit through another catalog is heard");
        }
    }

    /** A catalog whose host edge is served by agent edge:1:aa, which announced {@code vaults}; the time of its announce. */
    private Instant edgeServedByAgentNaming(String kind, String... vaults) throws Exception {
        openWithEdge(kind, Clock.systemUTC());
        Instant now = Instant.now();
        catalog.hosts().serveByAgent("edge", "edge:1:aa", now);
        catalog.hosts().agentVaults("edge", java.util.List.of(vaults));
        return now;
    }

    /** A new instance {@code name} of host edge (the host's others stay); its id. */
    private String instanceOfEdge(String name) {
        String id = java.util.UUID.randomUUID().toString();
        java.util.List<coffer.engine.catalog.Instance> all = new java.util.ArrayList<>(catalog.instances().list("edge"));
        all.add(CatalogContract.instance(id, "edge", name, "running", CatalogContract.disk("vda")));
        catalog.instances().refresh("edge", all);
        return id;
    }

    /**
     * A backup or restore whose vault the agent did not announce (it announces only the vaults it can open) is a
     * server's: queued by a person, by the scheduler's batch of runs, or a restore of a point in that vault; when the
     * agent announces the vault (mounted since), its queued jobs are the agent's again, and back to the servers when it
     * no longer does. A backup naming no vault stays the agent's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aBackupOrRestoreIsAServersWhenTheAgentDoesNotReachItsVault(String kind) throws Exception {
        Instant now = edgeServedByAgentNaming(kind, "mounted");
        String instance = instanceOfEdge("web");
        catalog.points().upsert(CatalogContract.point("20250101-000000-aaaaaaaa", "unmounted", instance, now));
        catalog.points().upsert(CatalogContract.point("20250101-000000-bbbbbbbb", "mounted", instance, now.plusSeconds(1)));

        Job reached = catalog.jobs().submit(backupInto(instance, "mounted"), "edge");
        Job unreached = catalog.jobs().submit(backupInto(instance, "unmounted"), "edge");
        Job restoreUnreached = catalog.jobs().submit(new coffer.engine.operation.RestoreDisk("20250101-000000-aaaaaaaa",
                "vda", "/tmp/x.qcow2", null, false, false), "edge");
        Job restoreReached = catalog.jobs().submit(new coffer.engine.operation.RestoreDisk("20250101-000000-bbbbbbbb",
                "vda", "/tmp/y.qcow2", null, false, false), "edge");
        Job noVault = catalog.jobs().submit(BackupInstance.of(instance), "edge");

        // a plan's run, queued by the scheduler's batch insert, into a vault the agent does not announce
        coffer.testing.MutableClock clock = new coffer.testing.MutableClock(now);
        catalog.protections().protect(java.util.List.of(new Protection(instance, true, java.util.List.of(), "unmounted",
                now, null)));
        coffer.engine.plan.PlanScheduler scheduler = new coffer.engine.plan.PlanScheduler(catalog, clock,
                coffer.engine.policy.Stagger.DEFAULT);
        StoredPolicy hourly = catalog.policies().create(new coffer.engine.policy.Policy("hourly",
                coffer.engine.policy.Schedule.of(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), coffer.engine.policy.Interval.hours(1)),
                coffer.engine.policy.Retention.keepFor(coffer.engine.policy.RetentionPeriod.days(1)), false,
                coffer.engine.policy.ReplicationRule.OFF, coffer.engine.policy.ArchiveRule.OFF));
        Plan plan = catalog.plans().create("plan-web", "plan-web", instance, hourly.id(),
                scheduler.firstRun("plan-web", hourly.policy().schedule()));
        clock.set(plan.nextRun().plusSeconds(1));
        Job run = scheduler.tick().queued().getFirst();
        assertEquals("unmounted", ((BackupInstance) run.operation()).vault());

        java.util.Set<String> servers = new java.util.HashSet<>();
        for (Optional<Job> j = catalog.jobs().claimNext("server:1:bb", 10, now); j.isPresent();
             j = catalog.jobs().claimNext("server:1:bb", 10, now)) {
            servers.add(j.get().id());
        }
        assertEquals(java.util.Set.of(unreached.id(), restoreUnreached.id(), run.id()), servers,
                "the jobs of the vault the agent left out run on a server");
        java.util.Set<String> agents = new java.util.HashSet<>();
        for (Optional<Job> j = catalog.jobs().claimForAgent("edge", "edge:1:aa", 10, now); j.isPresent();
             j = catalog.jobs().claimForAgent("edge", "edge:1:aa", 10, now)) {
            agents.add(j.get().id());
        }
        assertEquals(java.util.Set.of(reached.id(), restoreReached.id(), noVault.id()), agents);

        // queued while the vault is left out, then the agent announces it (mounted since): the agent's
        Job later = catalog.jobs().submit(backupInto(instance, "unmounted"), "edge");
        catalog.hosts().agentVaults("edge", java.util.List.of("mounted", "unmounted"));
        assertTrue(catalog.jobs().claimNext("server:1:bb", 20, now).isEmpty(), "now the agent's");
        // and back to the servers when the agent no longer announces it (unmounted again)
        catalog.hosts().agentVaults("edge", java.util.List.of("mounted"));
        assertTrue(catalog.jobs().claimForAgent("edge", "edge:1:aa", 20, now).isEmpty(), "no longer the agent's");
        assertEquals(later.id(), catalog.jobs().claimNext("server:1:bb", 20, now).orElseThrow().id());
    }

    private static BackupInstance backupInto(String instance, String vault) {
        return new BackupInstance(instance, vault, null, null, null, false, null, null, null);
    }

    /**
     * A replication is the agent's when its configuration names both vaults (docs/design/agents.md, "Which jobs an agent
     * runs"), decided when queued and again when the agent announces other vaults; else a server's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aReplicationIsTheAgentsWhenItReachesBothVaults(String kind) throws Exception {
        Instant now = edgeServedByAgentNaming(kind, "west", "east");
        String instance = instanceOfEdge("web");
        catalog.points().upsert(CatalogContract.point("20250101-000000-aaaaaaaa", "west", instance, now));

        Job reached = catalog.jobs().submit(new ReplicatePoint("20250101-000000-aaaaaaaa", "east", "east", null, null), "edge");
        Job unreached = catalog.jobs().submit(new ReplicatePoint("20250101-000000-aaaaaaaa", "north", "north", null, null),
                "edge");
        assertEquals(unreached.id(), catalog.jobs().claimNext("server:1:bb", 2, now).orElseThrow().id(),
                "a vault the agent does not name: the server's");
        assertTrue(catalog.jobs().claimNext("server:1:bb", 2, now).isEmpty(), "the agent's replication is left to it");
        assertEquals(reached.id(), catalog.jobs().claimForAgent("edge", "edge:1:aa", 2, now).orElseThrow().id());

        // queued for the agent, which then announces without the destination: the server's again
        Job queued = catalog.jobs().submit(new ReplicatePoint("20250101-000000-aaaaaaaa", "east", "east", null, null), "edge");
        catalog.hosts().agentVaults("edge", java.util.List.of("west"));
        assertTrue(catalog.jobs().claimForAgent("edge", "edge:1:aa", 3, now).isEmpty(), "no longer the agent's");
        assertEquals(queued.id(), catalog.jobs().claimNext("server:1:bb", 3, now).orElseThrow().id());
    }

    /**
     * A clone within its vault's region and a group's backup are the agent's when it names the vault (the group's members
     * all on its host), and a drill of a point in a vault it names; a clone into another region, and a vault the agent
     * does not name, stay the servers'.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void clonesAndGroupJobsAreTheAgentsWhenItsHostHoldsThem(String kind) throws Exception {
        Instant now = edgeServedByAgentNaming(kind, "west");
        String web = instanceOfEdge("web");
        String db = instanceOfEdge("db");
        String group = catalog.groups().create("shop", "edge", java.util.List.of(web, db)).id();

        Job clone = catalog.jobs().submit(new CloneInstance(web, "web-copy", "west", null, null), "edge");
        Job groupBackup = catalog.jobs().submit(new BackupGroup(group, null, "west", null, null), "edge");
        Job elsewhere = catalog.jobs().submit(new CloneInstance(web, "web-east", "west", null, "east"), "edge");
        Job otherVault = catalog.jobs().submit(new BackupGroup(group, null, "north", null, null), "edge");
        assertEquals(elsewhere.id(), catalog.jobs().claimNext("server:1:bb", 5, now).orElseThrow().id(),
                "a clone into another region: the server's");
        assertEquals(otherVault.id(), catalog.jobs().claimNext("server:1:bb", 5, now).orElseThrow().id(),
                "a vault the agent does not name: the server's");
        assertTrue(catalog.jobs().claimNext("server:1:bb", 5, now).isEmpty(), "the agent's clone and group backup");
        assertEquals(clone.id(), catalog.jobs().claimForAgent("edge", "edge:1:aa", 5, now).orElseThrow().id());
        assertEquals(groupBackup.id(), catalog.jobs().claimForAgent("edge", "edge:1:aa", 5, now).orElseThrow().id());

        // a drill restores the instance's newest point: the agent's when it names that point's vault
        catalog.points().upsert(CatalogContract.point("20250101-000000-aaaaaaaa", "west", web, now.minusSeconds(60)));
        catalog.points().upsert(CatalogContract.point("20250101-000000-bbbbbbbb", "north", db, now.minusSeconds(60)));
        Job drill = catalog.jobs().submit(new DrillInstance(web, null), "edge");
        Job drillElsewhere = catalog.jobs().submit(new DrillInstance(db, null), "edge");
        assertEquals(drillElsewhere.id(), catalog.jobs().claimNext("server:1:bb", 9, now).orElseThrow().id());
        assertEquals(drill.id(), catalog.jobs().claimForAgent("edge", "edge:1:aa", 9, now).orElseThrow().id());
    }

    /**
     * A mount and an instant restore are the agent's when it names the point's vault (docs/design/agents.md, "A mount on
     * the agent"); those of a point in another vault stay the servers'. Mounts are serving jobs: the host's limit does not hold them back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aMountIsTheAgentsWhenItNamesThePointsVault(String kind) throws Exception {
        Instant now = edgeServedByAgentNaming(kind, "west");
        String web = instanceOfEdge("web");
        String db = instanceOfEdge("db");
        catalog.points().upsert(CatalogContract.point("20250101-000000-aaaaaaaa", "west", web, now.minusSeconds(60)));
        catalog.points().upsert(CatalogContract.point("20250101-000000-bbbbbbbb", "north", web, now.minusSeconds(60)));
        Job mount = catalog.jobs().submit(new MountDisk("20250101-000000-aaaaaaaa", "vda", db, "1h"), "edge");
        Job serverMount = catalog.jobs().submit(new MountDisk("20250101-000000-bbbbbbbb", "vda", db, "1h"), "edge");
        assertEquals(serverMount.id(), catalog.jobs().claimNext("server:1:bb", 1, now).orElseThrow().id(),
                "a point in a vault the agent does not name: the server's");
        assertTrue(catalog.jobs().claimNext("server:1:bb", 1, now).isEmpty(), "the agent's mount is left to it");
        assertEquals(mount.id(), catalog.jobs().claimForAgent("edge", "edge:1:aa", 1, now).orElseThrow().id());

        // an instant restore likewise: the agent's when it names the point's vault
        Job instant = catalog.jobs().submit(new RestoreInstant("20250101-000000-aaaaaaaa", "web-now", null, null), "edge");
        Job serverInstant = catalog.jobs().submit(new RestoreInstant("20250101-000000-bbbbbbbb", "web-then", null, null),
                "edge");
        assertEquals(serverInstant.id(), catalog.jobs().claimNext("server:1:bb", 9, now).orElseThrow().id());
        assertTrue(catalog.jobs().claimNext("server:1:bb", 9, now).isEmpty(), "the agent's instant restore is left to it");
        assertEquals(instant.id(), catalog.jobs().claimForAgent("edge", "edge:1:aa", 9, now).orElseThrow().id());
    }
}

package coffer.engine.operation.hosted;

import coffer.engine.agent.CofferAgent;
import coffer.engine.agent.RemoteJobs;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.instance.PointFacts;
import coffer.engine.job.Job;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.InterruptedRunPoint;
import coffer.engine.operation.Operations;
import coffer.engine.operation.PlanRun;
import coffer.engine.plan.LostPoints;
import coffer.engine.plan.PlanBackup;
import coffer.engine.plan.ReplicatingVaults;
import coffer.engine.plan.RetentionSweep;
import coffer.testing.MutableClock;
import coffer.engine.replication.Regions;
import coffer.engine.replication.ReplicationQueue;
import coffer.testing.ByteArrayBlockSource;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retry of an interrupted plan's run on an agent ({@link JobRunner} on {@link RemoteJobs} with the agent's handlers,
 * {@link CofferAgent#handlers}) against the server's side ({@link HostedAgents}) on the real catalog, SQLite and
 * PostgreSQL, and a real directory vault; the HTTP hop replaced by a direct call (a fake of the transport only). The
 * interrupted run committed its point in the vault and was failed {@code WorkerLost} before any sweep adopted it; its
 * retry, queued before the adoption, runs on the agent: it asks a server for the interrupted run's point, which adopts
 * it (row naming the lost job, its policy's mark, its replication queued), and ends {@code succeeded} with that point
 * without backing the slot up again; the retry's end queues no second replication. Before, the agent ran the backup
 * handler without looking, and backed the slot up again (here: the backup handler, which must not run, was run).
 */
class AgentRetryOfLostRunTest extends AgentRunnerFixture {
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentsRetryOfALostRunEndsWithTheRunsCommittedPointInsteadOfBackingUpAgain(String kind) throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        MutableClock clock = new MutableClock(t0);
        openWithEdge(kind, clock);
        catalog.instances().refresh("edge", List.of(new Instance("u-web", "edge", "web", "running", List.of(), t0, false)));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", t0)));
        Vault vault = Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024, null);
        ReplicatingVaults vaults = new ReplicatingVaults(vault, "edge");
        Regions regions = vaults.regions();
        StoredPolicy policy = ReplicatingVaults.lockedPolicy(catalog, t0);
        Plan plan = catalog.plans().create("plan-1", "web-hourly", "u-web", policy.id(), t0);
        PlanBackup after = PlanBackup.afterSteps(catalog, new RetentionSweep(catalog, vaults, clock),
                new ReplicationQueue(catalog, vaults, regions, clock));
        HostedAgents agents = new HostedAgents(catalog, after, clock, new LostPoints(catalog, vaults, after, clock));
        String agent = JobRunner.newWorkerId();
        catalog.hosts().serveByAgent("edge", agent, t0);

        // the run: claimed by the agent at t0, its point committed at t0+10s, its worker lost at t0+20s (no sweep ran)
        PlanRun slot = new PlanRun(plan.id(), policy.id(), t0.toString(), 0, null);
        Job lost = catalog.jobs().submit(new BackupInstance("u-web", "default", null, null, null, false, null, slot, null),
                "edge");
        assertEquals(lost.id(), catalog.jobs().claimForAgent("edge", agent, 2, t0).orElseThrow().id());
        String made;
        try (PointWriter writer = PointWriter.begin(vault, "u-web", t0.plusSeconds(10), 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(new byte[64 * 1024]), "qcow2", null, Progress.NONE);
            made = writer.commit("CRASH", null, List.of(), new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance("u-web", "qemu:///system", "running"), null, null, null, null, null, null,
                    null).with(PointFacts.ofPlan(plan.id(), policy.id(), true)).json()).id();
        }
        assertTrue(catalog.jobs().failLost(lost.id(), agent, "worker lost: stale heartbeat", t0.plusSeconds(20)));
        clock.set(t0.plusSeconds(30));
        Job retry = catalog.jobs().submit(new BackupInstance("u-web", "default", null, null, null, false, null,
                slot.retrying(lost.id()), null), "edge");

        AtomicInteger backedUp = new AtomicInteger();
        JobHandler<BackupInstance, BackupResult> backup = (operation, job, context) -> {
            backedUp.incrementAndGet();
            throw new AssertionError("the slot was backed up again");
        };
        working = Catalog.open(CatalogConfig.sqlite(dir.resolve("agent-catalog.db")));
        working.hosts().ensure("edge", "qemu:///system"); // as the agent does at start
        Operations server = new AgentLostJobsTest.Direct(agents);
        runner = new JobRunner(new RemoteJobs(server, "edge", agent, working), agent,
                CofferAgent.handlers(Map.of(JobType.backup, backup), server, agent),
                JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)));
        runner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!catalog.jobs().find(retry.id()).orElseThrow().state().isFinal()) {
            assertTrue(System.nanoTime() < deadline, "the retry did not end");
            Thread.sleep(20);
        }

        Job ended = catalog.jobs().find(retry.id()).orElseThrow();
        assertEquals(JobState.succeeded, ended.state(), ended.errorCode() + " " + ended.errorMessage());
        assertEquals(0, backedUp.get(), "the slot was not backed up again");
        assertEquals(made, CofferJson.read(ended.result(), BackupResult.class).point(), "the retry ends with the point");
        assertTrue(catalog.jobs().log(retry.id()).stream().anyMatch(l -> l.message().contains("committed point " + made)
                && l.message().contains("adopted") && l.message().contains("not backed up again")), "said on the retry");
        assertEquals(lost.id(), catalog.points().find(made).orElseThrow().jobId(), "the row names the lost job");
        assertTrue(catalog.pointRetentions().find(made).orElseThrow().immutable(), "its policy's mark");
        assertEquals(1, catalog.points().listByInstance("u-web").size(), "one point for the slot");
        assertEquals(1, catalog.jobs().list(new Jobs.Filter(null, JobType.replicate, null, null)).size(),
                "its replication queued once (by the adoption; the retry's end queues none)");
        assertEquals(JobState.failed, catalog.jobs().find(lost.id()).orElseThrow().state(), "the lost job stays failed");
        InterruptedRunPoint answer = new InterruptedRunPoint(lost.id(), BackupResult.ofManifest(vault.point(made)), true);
        assertEquals(answer, CofferJson.read(CofferJson.tree(answer), InterruptedRunPoint.class), "the answer's JSON");
    }
}

package coffer.cli;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.agent.RemoteJobs;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobType;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How soon an agent starts a job queued for its host (queued → its handler started on the agent): a real server in
 * this JVM over HTTP, and the agent's real runner and jobs ({@link JobRunner} on {@link RemoteJobs} with the CLI's HTTP
 * transport), without libvirt: the handler records when it starts and fails at once. Jobs are queued one at a time at
 * random moments, through the server's own catalog (as its API and scheduler queue them) and, on PostgreSQL
 * ({@code COFFER_TEST_POSTGRES_URL}), through another catalog on the same database (as another server of it does). Prints "agent claim latency:" lines (p50, p90, max).
 * Small in the test suite ({@code -Dcoffer.claims.jobs}, default 4 per way); {@code scripts/bench-agent-claims} runs it
 * larger, also on an older commit for comparison (docs/performance.md, "Agent claims"). Asserts only that every job
 * started on the agent: the figures are indicative on a shared machine.
 */
class AgentClaimLatencyTest {
    @TempDir Path dir;

    @Test
    void jobsQueuedForAnAgentsHostStartOnTheAgent() throws Exception {
        int jobs = Integer.getInteger("coffer.claims.jobs", 4);
        // several servers share a PostgreSQL catalog only: on SQLite (no PostgreSQL given) only the one server's way
        boolean postgres = System.getenv(TestDatabase.POSTGRES_URL) != null;
        TestDatabase db = postgres ? TestDatabase.postgres() : TestDatabase.sqlite(dir);
        ServerConfig config = new ServerConfig(dir.resolve("data"), "127.0.0.1", 0, null, db.config(),
                List.of(new ServerConfig.VaultEntry("default", dir.resolve("data").resolve("vault"),
                        dir.resolve("data").resolve("keyring"), true)), List.of(), ServerConfig.Limits.DEFAULT);
        Map<String, Long> started = new ConcurrentHashMap<>();
        JobHandler<BackupInstance, BackupResult> record = (operation, job, context) -> {
            started.put(job.id(), System.nanoTime());
            throw new CofferException(ErrorCode.InvalidArgument, "a claim latency measurement: no backup");
        };
        try (CofferServer server = CofferServer.start(config);
             Catalog other = Catalog.open(db.config());
             Catalog working = Catalog.open(CatalogConfig.sqlite(dir.resolve("agent-catalog.db")))) {
            String secret = server.catalog().tokens().create("bench-agent", "agent").secret();
            HttpOperations transport = new HttpOperations(new ApiClient(server.url(), secret));
            String worker = JobRunner.newWorkerId();
            transport.call(new AnnounceAgent("edge", "qemu:///system", worker, AgentProtocol.VERSION, AgentProtocol.PROTOCOL,
                    List.of(), List.of()));
            working.hosts().ensure("edge", "qemu:///system");
            try (JobRunner agent = new JobRunner(new RemoteJobs(transport, "edge", worker, working), worker,
                    Map.<JobType, JobHandler<?, ?>>of(JobType.backup, record), JobRunner.Settings.defaults())) {
                agent.start();
                Random random = new Random(21);
                measure((postgres ? "PostgreSQL" : "SQLite") + ", queued through the agent's server", jobs, random, started,
                        op -> server.catalog().jobs().submit(op, "edge"));
                if (postgres) {
                    measure("queued through another server", jobs, random, started, op -> other.jobs().submit(op, "edge"));
                }
            }
        } finally {
            db.close();
        }
    }

    private static void measure(String way, int jobs, Random random, Map<String, Long> started,
                                Function<BackupInstance, Job> submit) throws InterruptedException {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            Thread.sleep(random.nextInt(1500)); // queued at a random moment, not in step with any poll
            long queued = System.nanoTime();
            Job job = submit.apply(BackupInstance.of("u-" + i));
            // the handler stamps its start: how often this looks does not change the figure
            Await.until(() -> started.containsKey(job.id()), Duration.ofMinutes(1),
                    "job " + job.id() + " (" + way + ") to start on the agent");
            millis.add((started.get(job.id()) - queued) / 1_000_000);
        }
        assertEquals(jobs, millis.size());
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("agent claim latency: %s: %d jobs, p50 %d ms, p90 %d ms, max %d ms%n", way, jobs,
                sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1)),
                sorted.getLast());
    }
}

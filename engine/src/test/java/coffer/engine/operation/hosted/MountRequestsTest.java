package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.MountDisk;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mount request finds the mounts being made, not only those made (docs/design/live-access.md, "The mount job"), on
 * SQLite and PostgreSQL: a second request of the same disk of the same point into the same instance, while the first's
 * job is queued or running and its mount not yet recorded, is refused {@code AlreadyMounted} naming the first; requests
 * sent at once queue one job; once the first ended, the disk can be mounted again. Before, the request looked only at
 * the recorded mounts, so two identical requests less than a second apart both queued a job.
 */
class MountRequestsTest extends CatalogKindFixture {
    private static final String POINT = "20260101-000000-aaaaaaaa";

    private HostedOperations operations;

    private void open(String kind) throws Exception {
        Clock clock = Clock.systemUTC();
        open(kind, clock);
        operations = LocalOperations.on(catalog, dir, clock);
        catalog.instances().refresh("local", List.of(
                new Instance("u-web", "local", "web", "running", List.of(), Instant.now(), false),
                new Instance("u-db", "local", "db", "running", List.of(), Instant.now(), false)));
        catalog.points().upsert(new PointRecord(POINT, "default", "u-web", "web", Instant.now().minusSeconds(60),
                "available", "CRASH", 3000, 1200, null, null, List.of(new PointRecord.PointDisk("vdb", 1000, 200))));
    }

    private String mount() {
        return operations.start(new MountDisk(POINT, "vdb", "db", "1h")).job().orElseThrow().id();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aSecondRequestOfAMountBeingMadeIsRefusedAlreadyMounted(String kind) throws Exception {
        open(kind);
        String first = mount();
        CofferException queued = assertThrows(CofferException.class, this::mount);
        assertEquals(ErrorCode.AlreadyMounted, queued.code());
        assertTrue(queued.getMessage().contains(first), queued.getMessage());

        // its job running, its mount not recorded yet (the handler records it once it runs): still being made
        assertEquals(first, catalog.jobs().claimNext("server:1:aa", 2, Instant.now()).orElseThrow().id());
        assertEquals(ErrorCode.AlreadyMounted, assertThrows(CofferException.class, this::mount).code());
        assertEquals(1, mountJobs().size(), "one job queued: " + mountJobs());

        // the first mount ended (its job failed): the disk can be mounted again
        assertTrue(catalog.jobs().finish(first, "server:1:aa", new Jobs.Outcome(JobState.failed, null,
                ErrorCode.InstanceNotRunning.name(), "not running"), Instant.now()));
        String again = mount();
        assertEquals(JobState.queued, catalog.jobs().find(again).orElseThrow().state());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void identicalRequestsAtOnceQueueOneJob(String kind) throws Exception {
        open(kind);
        int requests = 6;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                sent.add(pool.submit(() -> {
                    start.await();
                    return mount();
                }));
            }
            start.countDown();
            int queued = 0;
            for (Future<String> f : sent) {
                try {
                    f.get();
                    queued++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof CofferException c && c.code() == ErrorCode.AlreadyMounted,
                            "refused AlreadyMounted: " + e.getCause());
                }
            }
            assertEquals(1, queued, "one of the identical requests queued a job");
            assertEquals(1, mountJobs().size());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Job> mountJobs() {
        return catalog.jobs().list(new Jobs.Filter(null, JobType.mount, null, null))
                .stream().filter(j -> !j.state().isFinal()).toList();
    }
}

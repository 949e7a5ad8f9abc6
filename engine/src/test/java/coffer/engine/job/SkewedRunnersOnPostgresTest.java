package coffer.engine.job;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DatabaseClock;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.operation.BackupInstance;
import coffer.testing.Await;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers' runners on one PostgreSQL catalog whose hosts' clocks differ by 40 s (the second one's JVM clock is
 * {@link Clock#offset} ahead, under the {@link DatabaseClock} a server gives its runner): both stamp and judge
 * heartbeats on the database's clock, so the ahead one fails none of the other's healthy jobs {@code WorkerLost}
 * (docs/reliability.md, session 20, "A server whose clock is ahead or behind"; docs/design/jobs.md, "Whose clock").
 */
class SkewedRunnersOnPostgresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SKEW = Duration.ofSeconds(40);
    private TestDatabase database;
    private final List<Catalog> catalogs = new ArrayList<>();
    private final List<JobRunner> runners = new ArrayList<>();
    private final Map<String, String> runBy = new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.postgres();
    }

    @AfterEach
    void close() throws Exception {
        release.countDown();
        runners.forEach(JobRunner::close);
        catalogs.forEach(Catalog::close);
        if (database != null) {
            database.close();
        }
    }

    /** A server's catalog and runner (one worker thread, default heartbeats) on {@code jvm} as its host's clock. */
    private JobRunner server(Clock jvm, Catalog[] catalogOut) {
        Catalog catalog = Catalog.open(database.config());
        catalogs.add(catalog);
        catalogOut[0] = catalog;
        DatabaseClock clock = DatabaseClock.follow(catalog, jvm);
        String worker = JobRunner.newWorkerId();
        JobRunner runner = new JobRunner(catalog, worker, Map.of(JobType.backup, (JobHandler<BackupInstance, Object>)
                (operation, job, context) -> {
                    runBy.put(job.id(), worker);
                    release.await();
                    return JSON.createObjectNode();
                }), JobRunner.Settings.defaults().withWorkerThreads(1).withClock(clock));
        runners.add(runner);
        return runner;
    }

    @Test
    void aServerWhoseClockIsAheadFailsNoneOfTheOthersHealthyJobs() throws Exception {
        Catalog[] first = new Catalog[1];
        JobRunner onTime = server(Clock.systemUTC(), first);
        first[0].hosts().ensure("local", "qemu:///system");
        Job healthy = first[0].jobs().submit(BackupInstance.of("instance-1"), "local");
        onTime.start();
        Await.until(() -> onTime.workerId().equals(runBy.get(healthy.id())), Duration.ofSeconds(20),
                () -> "the first server runs " + healthy.id());

        Catalog[] second = new Catalog[1];
        JobRunner ahead = server(Clock.offset(Clock.systemUTC(), SKEW), second);
        ahead.start(); // fails the jobs of dead workers and stale heartbeats before it returns
        assertEquals(JobState.running, second[0].jobs().find(healthy.id()).orElseThrow().state(),
                "judged at the second runner's start: " + second[0].jobs().find(healthy.id()).orElseThrow());

        // the first server's one worker thread is busy: the next job is the second's, claimed by its loop after a
        // heartbeat round (which judges the others' heartbeats again)
        Job next = second[0].jobs().submit(BackupInstance.of("instance-2"), "local");
        Await.until(() -> ahead.workerId().equals(runBy.get(next.id())), Duration.ofSeconds(20),
                () -> "the second server runs " + next.id() + ": " + second[0].jobs().find(next.id()).orElseThrow());
        Job still = first[0].jobs().find(healthy.id()).orElseThrow();
        assertEquals(JobState.running, still.state(), "after the second runner's heartbeat round: " + still);
    }

    @Test
    void theClockFollowsTheDatabaseWhateverTheHostsClockSays() throws Exception {
        Catalog catalog = Catalog.open(database.config());
        catalogs.add(catalog);
        DatabaseClock onTime = DatabaseClock.follow(catalog, Clock.systemUTC());
        DatabaseClock ahead = DatabaseClock.follow(catalog, Clock.offset(Clock.systemUTC(), SKEW));
        // both hosts' clocks are this machine's, 40 s apart: the skews measured differ by the 40 s (within the
        // measurement's round trip), and the two database clocks by no more than that
        Duration apart = ahead.skew().minus(onTime.skew());
        assertTrue(apart.minus(SKEW).abs().compareTo(Duration.ofSeconds(5)) < 0, "skews measured: " + onTime.skew()
                + " and " + ahead.skew());
        Duration between = Duration.between(onTime.instant(), ahead.instant());
        assertTrue(between.abs().compareTo(Duration.ofSeconds(5)) < 0, "the database clocks differ by " + between);
        long statements = catalog.statementsRun();
        ahead.measure();
        assertEquals(statements, catalog.statementsRun(), "a measurement is not one of the catalog's statements");
    }
}

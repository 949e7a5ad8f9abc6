package coffer.engine.job;

import coffer.testing.Await;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.CofferException;
import coffer.engine.operation.BackupInstance;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job runner against a real catalog, one contract for every database. Handlers are test doubles:
 * {@link #blockingHandler} waits until released or interrupted, and counts who runs what.
 */
abstract class JobRunnerContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);
    TestDatabase database;
    Catalog catalog;
    final List<JobRunner> runners = new ArrayList<>();
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    abstract TestDatabase database() throws Exception;

    @BeforeEach
    void open() throws Exception {
        database = database();
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
    }

    @AfterEach
    void close() throws Exception {
        release.countDown();
        runners.forEach(JobRunner::close);
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static JobRunner.Settings fast() {
        return JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withShutdownWait(Duration.ofSeconds(10));
    }

    JobRunner runner(JobRunner.Settings settings, JobHandler<BackupInstance, Object> handler) {
        JobRunner runner = new JobRunner(catalog, JobRunner.newWorkerId(), Map.of(JobType.backup, handler), settings);
        runners.add(runner);
        runner.start();
        return runner;
    }

    /** Counts its runs, then waits for {@link #release} (or an interrupt, which it lets out as a cancel). */
    JobHandler<BackupInstance, Object> blockingHandler() {
        return (operation, job, context) -> {
            runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                release.await();
                return JSON.createObjectNode().put("ran", job.id());
            } finally {
                concurrent.decrementAndGet();
            }
        };
    }

    Job submit(String host) {
        return catalog.jobs().submit(BackupInstance.of("instance-1"), host);
    }

    Job awaitState(String id, JobState state) {
        await(() -> catalog.jobs().find(id).orElseThrow().state() == state, "job " + id + " " + state + ", is "
                + catalog.jobs().find(id).orElseThrow());
        return catalog.jobs().find(id).orElseThrow();
    }

    static void await(BooleanSupplier condition, String what) {
        try {
            Await.until(condition::getAsBoolean, WAIT, () -> what);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aJobSucceedsWithItsResultProgressAndLog() {
        runner(fast(), (operation, job, context) -> {
            context.progress().starting(1000);
            context.progress().advance(400);
            context.progress().advance(600);
            context.info("read vda");
            context.warning("vdb skipped");
            return JSON.createObjectNode().put("point", "p1");
        });
        Job job = submit("local");
        Job done = awaitState(job.id(), JobState.succeeded);
        assertEquals("p1", done.result().get("point").asText());
        assertEquals(1000, done.bytesDone());
        assertEquals(1000, done.bytesTotal());
        assertEquals(0, done.etaSeconds());
        assertTrue(done.startedAt() != null && done.finishedAt() != null);
        List<String> log = catalog.jobs().log(job.id()).stream().map(l -> l.level() + ":" + l.message()).toList();
        assertTrue(log.containsAll(List.of("info:read vda", "warning:vdb skipped", "info:succeeded")), log.toString());
    }

    @Test
    void aFailureRecordsTheErrorCodeAndMessage() {
        runner(fast(), (operation, job, context) -> {
            throw new CofferException(ErrorCode.InstanceNotFound, "no domain 'web' on qemu:///system");
        });
        Job failed = awaitState(submit("local").id(), JobState.failed);
        assertEquals("InstanceNotFound", failed.errorCode());
        assertEquals("no domain 'web' on qemu:///system", failed.errorMessage());
        assertTrue(catalog.jobs().log(failed.id()).getLast().message().contains("InstanceNotFound"));
    }

    @Test
    void anUnexpectedExceptionFailsAsInternal() {
        runner(fast(), (operation, job, context) -> {
            throw new IllegalStateException("bug");
        });
        Job failed = awaitState(submit("local").id(), JobState.failed);
        assertEquals("Internal", failed.errorCode());
    }

    @Test
    void aRunningJobCancelledEndsCancelledOnceItsHandlerIsInterrupted() {
        runner(fast(), blockingHandler());
        Job job = submit("local");
        awaitState(job.id(), JobState.running);
        await(() -> runs.containsKey(job.id()), "handler started");
        catalog.jobs().cancel(job.id());
        Job cancelled = awaitState(job.id(), JobState.cancelled);
        assertEquals("Cancelled", cancelled.errorCode());
        assertEquals("cancelled on request", cancelled.errorMessage());
    }

    @Test
    void aCancelRequestedFromAnotherProcessIsSeenByPolling() throws Exception {
        runner(fast(), blockingHandler());
        Job job = submit("local");
        await(() -> runs.containsKey(job.id()), "handler started");
        try (Catalog elsewhere = Catalog.open(database.config())) {
            elsewhere.jobs().cancel(job.id());
        }
        assertEquals("Cancelled", awaitState(job.id(), JobState.cancelled).errorCode());
    }

    @Test
    void aQueuedJobCancelledNeverRuns() {
        runner(fast().withPerHostLimit(1), blockingHandler());
        Job first = submit("local");
        Job second = submit("local");
        await(() -> runs.containsKey(first.id()), "first started");
        assertEquals(JobState.cancelled, catalog.jobs().cancel(second.id()).orElseThrow().state());
        release.countDown();
        awaitState(first.id(), JobState.succeeded);
        assertEquals(JobState.cancelled, catalog.jobs().find(second.id()).orElseThrow().state());
        assertTrue(!runs.containsKey(second.id()));
    }

    @Test
    void twoRunnersNeverRunTheSameJob() {
        JobHandler<BackupInstance, Object> counting = (operation, job, context) -> {
            runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
            return JSON.createObjectNode();
        };
        JobRunner.Settings settings = fast().withPerHostLimit(8);
        runner(settings, counting);
        runner(settings, counting);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            jobs.add(submit(i % 2 == 0 ? "local" : "other"));
        }
        for (Job job : jobs) {
            awaitState(job.id(), JobState.succeeded);
        }
        for (Job job : jobs) {
            assertEquals(1, runs.get(job.id()).get(), "job " + job.id() + " ran once");
        }
    }

    @Test
    void thePerHostLimitHoldsAcrossRunners() {
        JobRunner.Settings settings = fast().withPerHostLimit(2).withWorkerThreads(4);
        runner(settings, blockingHandler());
        runner(settings, blockingHandler());
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(submit("local"));
        }
        Job elsewhere = submit("other");
        await(() -> runs.size() == 3, "two jobs on local and one on other started");
        assertEquals(2, catalog.jobs().claims().stream().filter(c -> c.hostId().equals("local")).count());
        assertEquals(3, maxConcurrent.get());
        assertTrue(runs.containsKey(elsewhere.id()));
        release.countDown();
        for (Job job : jobs) {
            awaitState(job.id(), JobState.succeeded);
        }
        assertEquals(6, runs.size());
        assertTrue(maxConcurrent.get() <= 3, "at most two on local plus one on other: " + maxConcurrent.get());
    }

    /**
     * A mount serves for as long as it lasts: mounts take neither a slot of their host's limit nor a worker thread,
     * so backups still run beside any number of them; close ends them like every job ("server stopping").
     */
    @Test
    void servingJobsTakeNoHostSlotNorWorkerThread() {
        AtomicInteger mountsRunning = new AtomicInteger();
        JobHandler<coffer.engine.operation.MountDisk, Object> mountHandler = (operation, job, context) -> {
            mountsRunning.incrementAndGet();
            try {
                new CountDownLatch(1).await(); // until cancelled
                return null;
            } finally {
                mountsRunning.decrementAndGet();
            }
        };
        JobRunner runner = new JobRunner(catalog, JobRunner.newWorkerId(), Map.of(JobType.backup, blockingHandler(),
                JobType.mount, mountHandler), fast().withPerHostLimit(1).withWorkerThreads(1));
        runners.add(runner);
        runner.start();
        List<Job> mounts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mounts.add(catalog.jobs().submit(new coffer.engine.operation.MountDisk("p-" + i, "vdb", "instance-2", "1h"), "local"));
        }
        await(() -> mountsRunning.get() == 3, "three mounts running on one host with a limit of one job and one worker");
        Job backup = submit("local");
        awaitState(backup.id(), JobState.running);
        release.countDown();
        awaitState(backup.id(), JobState.succeeded);
        runner.close();
        for (Job mount : mounts) {
            Job ended = awaitState(mount.id(), JobState.cancelled);
            assertEquals("server stopping", ended.errorMessage());
        }
        assertEquals(0, mountsRunning.get());
    }

    @Test
    void aJobOfAWorkerWithAStaleHeartbeatFailsWithWorkerLost() {
        Job job = submit("local");
        catalog.jobs().claimNext("elsewhere:4242:cafe", 2, Instant.now().minus(Duration.ofMinutes(5)));
        runner(fast(), blockingHandler());
        Job lost = awaitState(job.id(), JobState.failed);
        assertEquals("WorkerLost", lost.errorCode());
        assertTrue(catalog.jobs().log(job.id()).getLast().message().contains("elsewhere:4242:cafe"));
        assertTrue(!runs.containsKey(job.id()), "not run again");
    }

    @Test
    void aJobOfADeadProcessOnThisMachineFailsAtStartDespiteAFreshHeartbeat() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor(), "the process whose worker id is used has ended");
        String deadWorker = WorkerId.localHost() + ":" + gone.pid() + ":0000";
        Job job = submit("local");
        catalog.jobs().claimNext(deadWorker, 2, Instant.now());
        runner(JobRunner.Settings.defaults(), blockingHandler());
        Job lost = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.failed, lost.state(), "failed by start(), before any heartbeat could go stale");
        assertEquals("WorkerLost", lost.errorCode());
    }

    @Test
    void aJobOfALiveWorkerElsewhereIsLeftRunning() {
        Job job = submit("local");
        catalog.jobs().claimNext("elsewhere:4242:cafe", 2, Instant.now());
        runner(JobRunner.Settings.defaults(), blockingHandler());
        Job other = submit("local");
        await(() -> runs.containsKey(other.id()), "the next job runs");
        assertEquals(JobState.running, catalog.jobs().find(job.id()).orElseThrow().state());
    }

    @Test
    void closeCancelsRunningJobsAsServerStopping() {
        JobRunner runner = runner(fast(), blockingHandler());
        Job job = submit("local");
        await(() -> runs.containsKey(job.id()), "handler started");
        runner.close();
        Job stopped = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.cancelled, stopped.state(), "ended before close() returned");
        assertEquals("Cancelled", stopped.errorCode());
        assertEquals("server stopping", stopped.errorMessage());
        Job later = submit("local");
        assertEquals(JobState.queued, catalog.jobs().find(later.id()).orElseThrow().state(), "no claims after close");
    }

    /**
     * Worker threads that claim their next job with their job's end ({@link JobRunner.Settings#claimWithEnd}, docs/design/
     * jobs.md "Claiming"): over two runners, every job runs once and ends with its log, and no host ever runs more than
     * its limit.
     */
    @Test
    void workerThreadsClaimingWithTheirJobsEndRunEachJobOnceWithinTheCaps() {
        Map<String, AtomicInteger> onHost = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, AtomicInteger> mostOnHost = new java.util.concurrent.ConcurrentHashMap<>();
        JobHandler<BackupInstance, Object> counting = (operation, job, context) -> {
            runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
            int now = onHost.computeIfAbsent(job.hostId(), h -> new AtomicInteger()).incrementAndGet();
            mostOnHost.computeIfAbsent(job.hostId(), h -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(5);
                context.info("worked");
                return JSON.createObjectNode();
            } finally {
                onHost.get(job.hostId()).decrementAndGet();
            }
        };
        JobRunner.Settings settings = fast().withPerHostLimit(2).withWorkerThreads(3).withClaimWithEnd(true);
        runner(settings, counting);
        runner(settings, counting);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            jobs.add(submit(i % 4 == 0 ? "other" : "local"));
        }
        for (Job job : jobs) {
            awaitState(job.id(), JobState.succeeded);
        }
        for (Job job : jobs) {
            assertEquals(1, runs.get(job.id()).get(), "job " + job.id() + " ran once");
            List<String> log = catalog.jobs().log(job.id()).stream().map(coffer.engine.job.JobLogEntry::message).toList();
            assertTrue(log.getFirst().startsWith("started on worker "), log.toString());
            assertEquals(List.of("worked", "succeeded"), log.subList(1, log.size()));
        }
        assertTrue(mostOnHost.values().stream().allMatch(m -> m.get() <= 2), "at most 2 a host: " + mostOnHost);
        assertTrue(catalog.jobs().claims().isEmpty(), "nothing left running");
    }

    /** A worker thread whose job ends while its runner stops claims nothing with that end. */
    @Test
    void aJobEndingWhileItsRunnerStopsClaimsNoSuccessor() {
        JobRunner runner = runner(fast().withWorkerThreads(1).withClaimWithEnd(true), blockingHandler());
        Job job = submit("local");
        await(() -> runs.containsKey(job.id()), "handler started");
        Job next = submit("local");
        runner.close();
        assertEquals("server stopping", catalog.jobs().find(job.id()).orElseThrow().errorMessage());
        assertEquals(JobState.queued, catalog.jobs().find(next.id()).orElseThrow().state(), "left for another runner");
        assertTrue(catalog.jobs().claims().isEmpty(), "nothing left running");
    }

    @Test
    void settingsRefuseBadValues() {
        CofferException e = org.junit.jupiter.api.Assertions.assertThrows(CofferException.class,
                () -> fast().withPerHostLimit(0));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        e = org.junit.jupiter.api.Assertions.assertThrows(CofferException.class,
                () -> fast().withHeartbeat(Duration.ofSeconds(5), Duration.ofSeconds(6)));
        assertTrue(e.getMessage().contains("stale-after"));
    }
}

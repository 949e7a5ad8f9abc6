package coffer.engine.job;

import coffer.engine.catalog.Catalog;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.operation.JobOperation;
import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs queued jobs of the catalog (docs/design/jobs.md). One loop thread claims jobs for free worker threads,
 * heartbeats, stores progress and log lines, passes cancel requests on and fails the jobs of dead workers; each claimed
 * job runs on one of {@link Settings#workerThreads} worker threads. Where its jobs say so ({@link WorkerJobs#endsWithClaims}:
 * the catalog's) a worker thread leaves its job's end to the loop and frees its slot at once: the loop writes the ends of
 * its threads' jobs with its next claim ({@link WorkerJobs#finishAllAndClaim}, one statement on PostgreSQL); with
 * {@link Settings#claimWithEnd} a thread instead claims its next job with the end of the one before
 * ({@link WorkerJobs#finishAndClaim}) and frees its slot only when that claim found nothing.
 *
 * <ul>
 *   <li>{@link #start}: first fails the running jobs whose worker is gone (code WorkerLost), then loops.</li>
 *   <li>Cancel: the worker thread is interrupted; the job ends {@code cancelled} with code Cancelled.</li>
 *   <li>{@link #close} (SIGTERM): stops claiming, cancels running jobs ("server stopping"), waits for them
 *       at most {@link Settings#shutdownWait}. Close the runner before its catalog.</li>
 * </ul>
 *
 * <p>Thread-safe; start once, close once.
 */
public final class JobRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JobRunner.class.getName());
    private static final Duration TICK = Duration.ofSeconds(1);

    /**
     * @param perHostLimit      running jobs per libvirt host, over all workers sharing the catalog
     * @param workerThreads     jobs this runner runs at once
     * @param heartbeatInterval how often running jobs are marked alive and dead workers looked for
     * @param staleAfter        a running job whose heartbeat is older than this has lost its worker
     * @param shutdownWait      how long {@link #close} waits for cancelled jobs to end
     * @param clock             stamps heartbeats and decides staleness
     * @param claimWithEnd      a worker thread claims its next job with its job's end (one statement on PostgreSQL)
     *                          instead of leaving the claim to the loop; off by default: on the benchmark's busy 2-core
     *                          machine its claim per job cost the database 1.4-1.7 ms of CPU a run against 0.9-1.0 for
     *                          the loop's batches, and the runs started no sooner (docs/performance.md, "Scheduler")
     */
    public record Settings(int perHostLimit, int workerThreads, Duration heartbeatInterval, Duration staleAfter,
                           Duration shutdownWait, Clock clock, boolean claimWithEnd) {
        public Settings {
            if (perHostLimit < 1 || workerThreads < 1) {
                throw new CofferException(ErrorCode.InvalidArgument, "per-host limit (" + perHostLimit
                        + ") and worker threads (" + workerThreads + ") must be at least 1");
            }
            if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                    || staleAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
                throw new CofferException(ErrorCode.InvalidArgument, "stale-after (" + staleAfter
                        + ") must be at least twice the heartbeat interval (" + heartbeatInterval + ")");
            }
        }

        public static Settings defaults() {
            return new Settings(2, 4, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60),
                    Clock.systemUTC(), false);
        }

        public Settings withPerHostLimit(int limit) {
            return new Settings(limit, workerThreads, heartbeatInterval, staleAfter, shutdownWait, clock, claimWithEnd);
        }

        public Settings withWorkerThreads(int threads) {
            return new Settings(perHostLimit, threads, heartbeatInterval, staleAfter, shutdownWait, clock, claimWithEnd);
        }

        public Settings withHeartbeat(Duration interval, Duration stale) {
            return new Settings(perHostLimit, workerThreads, interval, stale, shutdownWait, clock, claimWithEnd);
        }

        public Settings withShutdownWait(Duration wait) {
            return new Settings(perHostLimit, workerThreads, heartbeatInterval, staleAfter, wait, clock, claimWithEnd);
        }

        public Settings withClaimWithEnd(boolean claim) {
            return new Settings(perHostLimit, workerThreads, heartbeatInterval, staleAfter, shutdownWait, clock, claim);
        }

        public Settings withClock(Clock newClock) {
            return new Settings(perHostLimit, workerThreads, heartbeatInterval, staleAfter, shutdownWait, newClock, claimWithEnd);
        }
    }

    private final WorkerJobs jobs;
    private final String workerId;
    private final Map<JobType, JobHandler<?, ?>> handlers;
    private final Settings settings;
    private final ExecutorService workers;
    private final Map<String, JobExecution> running = new ConcurrentHashMap<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final Set<Thread> serving = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Boolean> wakeUps = new LinkedBlockingQueue<>();
    /** Ends of jobs whose worker threads left them to the loop ({@link #endsInLoop}), oldest first. */
    private final Queue<WorkerJobs.End> ends = new ConcurrentLinkedQueue<>();
    /** Whether the loop writes the worker threads' ends with its claims (docs/design/jobs.md, "Claiming"). */
    private final boolean endsInLoop;
    /** Set when a submit or cancel came through this runner's catalog: the next tick looks for cancel requests. */
    private final java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread loop;
    private volatile boolean stopping;
    private Jobs.Subscription subscription;
    private long nextHeartbeatNanos;
    private long nextCancelPollNanos;

    public JobRunner(Catalog catalog, String workerId, Map<JobType, JobHandler<?, ?>> handlers, Settings settings) {
        this(catalog.jobs(), workerId, handlers, settings);
    }

    /**
     * A runner on any {@link WorkerJobs}: a {@code coffer agent}'s claims, reports and ends its jobs through the
     * server's API (docs/design/agents.md), with the same handlers as a server's.
     */
    public JobRunner(WorkerJobs jobs, String workerId, Map<JobType, JobHandler<?, ?>> handlers, Settings settings) {
        this.jobs = jobs;
        this.workerId = workerId;
        this.handlers = Map.copyOf(handlers);
        this.settings = settings;
        this.endsInLoop = jobs.endsWithClaims() && !settings.claimWithEnd();
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workerThreads(),
                r -> Thread.ofPlatform().name("coffer-job-" + threadNumber.incrementAndGet()).unstarted(r));
        this.loop = Thread.ofPlatform().name("coffer-job-runner").unstarted(this::loop);
    }

    /** A worker id for this process: {@code hostname:pid:random}, so a restart recognises its old jobs. */
    public static String newWorkerId() {
        return WorkerId.fresh();
    }

    public String workerId() {
        return workerId;
    }

    /** Fails the jobs of dead workers, then starts claiming. */
    public synchronized void start() {
        if (loop.getState() != Thread.State.NEW) {
            throw new IllegalStateException("job runner " + workerId + " was already started");
        }
        WorkerId.register(workerId);
        recoverLost();
        nextHeartbeatNanos = System.nanoTime();
        subscription = jobs.whenChanged(() -> {
            changed.set(true);
            wake();
        });
        loop.start();
    }

    private void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    private void loop() {
        while (!stopping) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "job runner " + workerId + ": " + e.getMessage(), e);
            }
            if (stopping) {
                writeEnds(0); // the ends left to it; those after it are written by close
                return;
            }
            try {
                wakeUps.poll(Math.min(TICK.toMillis(), settings.heartbeatInterval().toMillis()), TimeUnit.MILLISECONDS);
                wakeUps.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() {
        for (JobExecution execution : running.values()) {
            flush(execution);
        }
        // cancel requests: every tick, and at once after a change through this catalog; not at every job's end, which
        // also wakes the loop (one statement per job less, docs/performance.md "Scheduler")
        if (changed.getAndSet(false) || System.nanoTime() - nextCancelPollNanos >= 0) {
            nextCancelPollNanos = System.nanoTime() + TICK.toNanos();
            for (String id : jobs.cancelRequested(workerId)) {
                JobExecution execution = running.get(id);
                if (execution != null) {
                    execution.cancel("cancelled on request");
                }
            }
        }
        if (System.nanoTime() - nextHeartbeatNanos >= 0) {
            jobs.heartbeat(workerId, settings.clock().instant());
            recoverLost();
            nextHeartbeatNanos = System.nanoTime() + settings.heartbeatInterval().toNanos();
        }
        if (!ends.isEmpty() && !writeEnds(stopping ? 0 : settings.workerThreads() - busy.get())) {
            return; // its claim took fewer than it asked for: nothing more to claim now
        }
        while (!stopping && busy.get() < settings.workerThreads()) {
            // as many as there are free worker threads, in one claim (docs/design/jobs.md, "Claiming")
            List<Job> claimed = jobs.claim(workerId, settings.perHostLimit(), settings.workerThreads() - busy.get(),
                    settings.clock().instant());
            if (claimed.isEmpty()) {
                break;
            }
            claimed.forEach(this::launch);
        }
    }

    /**
     * Writes the ends left to the loop with a claim of up to {@code max} jobs ({@link WorkerJobs#finishAllAndClaim}) and
     * launches what it claimed; false when it claimed fewer than {@code max}. Should that fail, the jobs stay running in
     * the catalog and a restart finds them lost (as when a worker thread cannot store its job's end).
     */
    private boolean writeEnds(int max) {
        List<WorkerJobs.End> batch = new ArrayList<>();
        for (WorkerJobs.End end; (end = ends.poll()) != null; ) {
            batch.add(end);
        }
        if (batch.isEmpty()) {
            return true;
        }
        WorkerJobs.EndsAndClaims done;
        try {
            done = jobs.finishAllAndClaim(workerId, batch, settings.perHostLimit(), Math.max(0, max),
                    settings.clock().instant());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "jobs " + batch.stream().map(WorkerJobs.End::id).toList()
                    + ": cannot store their ends; a restart will find them lost", e);
            return false;
        }
        for (WorkerJobs.End end : batch) {
            if (!done.finished().contains(end.id())) {
                LOG.log(System.Logger.Level.WARNING, "job " + end.id() + " was no longer running on " + workerId
                        + " when it ended " + end.outcome().state());
            }
        }
        done.claimed().forEach(this::launch);
        return done.claimed().size() >= max;
    }

    private void launch(Job job) {
        JobExecution execution = new JobExecution(job, settings.clock());
        running.put(job.id(), execution);
        if (job.type().serving()) {
            // a mount serves for hours: its own virtual thread, no worker slot (docs/design/jobs.md)
            Thread thread = Thread.ofVirtual().name("coffer-job-" + job.type() + "-" + job.id())
                    .unstarted(() -> execute(execution));
            serving.add(thread);
            thread.start();
        } else {
            busy.incrementAndGet();
            workers.execute(() -> work(execution));
        }
    }

    /**
     * On a worker thread: runs the job, then each job this thread claimed with the end of the one before
     * ({@link WorkerJobs#finishAndClaim}), keeping its slot until a claim finds nothing.
     */
    private void work(JobExecution first) {
        JobExecution execution = first;
        while (execution != null) {
            execution = execute(execution);
        }
    }

    /**
     * Registers a job claimed by a worker thread with its predecessor's end; serving ones (a mount) start on a thread
     * of their own. A job claimed while the runner stops is cancelled at once ({@link #close} cancels those registered
     * before it looks, this those registered after).
     */
    private JobExecution adopt(Job job) {
        if (job.type().serving()) {
            launch(job);
            if (stopping) {
                JobExecution execution = running.get(job.id());
                if (execution != null) {
                    execution.cancel("server stopping");
                }
            }
            return null;
        }
        JobExecution execution = new JobExecution(job, settings.clock());
        running.put(job.id(), execution);
        if (stopping) {
            execution.cancel("server stopping");
        }
        return execution;
    }

    /** Fails every running job whose worker is certainly dead or whose heartbeat is stale. */
    private void recoverLost() {
        Instant now = settings.clock().instant();
        Instant staleBefore = now.minus(settings.staleAfter());
        for (Jobs.Claim claim : jobs.claims()) {
            if (claim.workerId() != null && claim.workerId().equals(workerId)) {
                continue;
            }
            String why;
            if (claim.workerId() == null || WorkerId.certainlyDead(claim.workerId())) {
                why = "its worker " + claim.workerId() + " no longer runs";
            } else if (claim.heartbeatAt() == null || claim.heartbeatAt().isBefore(staleBefore)) {
                why = "its worker " + claim.workerId() + " sent no heartbeat since " + claim.heartbeatAt();
            } else {
                continue;
            }
            if (jobs.failLost(claim.jobId(), claim.workerId(), "worker lost: " + why
                    + "; nothing half-written was kept", now)) {
                LOG.log(System.Logger.Level.WARNING, "job " + claim.jobId() + " failed: worker lost (" + why + ")");
            }
        }
    }

    /**
     * On a worker thread: runs the handler and stores how the job ended; on a worker slot (not a serving job's thread),
     * unless the runner stops, claims the thread's next job with that end and returns it (null: the slot is free).
     */
    private JobExecution execute(JobExecution execution) {
        Job job = execution.job();
        Jobs.Outcome outcome;
        execution.bind(Thread.currentThread());
        try {
            JobHandler<?, ?> handler = handlers.get(job.type());
            if (handler == null) {
                throw new CofferException(ErrorCode.Internal, "no handler for " + job.type() + " jobs on worker "
                        + workerId);
            }
            if (execution.cancelReason() != null) {
                throw new CofferException(ErrorCode.Cancelled, execution.cancelReason());
            }
            JobOperation<?> operation = job.operation(); // its start line was written with its claim
            JsonNode result = CofferJson.tree(run(handler, operation, job, execution));
            outcome = new Jobs.Outcome(JobState.succeeded, result, null, null);
            execution.info("succeeded");
        } catch (Throwable failure) {
            CofferException error = Errors.classify(failure);
            String reason = execution.cancelReason();
            if (reason != null || error.code() == ErrorCode.Cancelled) {
                outcome = new Jobs.Outcome(JobState.cancelled, null, ErrorCode.Cancelled.name(),
                        reason != null ? reason : error.getMessage());
                execution.info("cancelled: " + outcome.errorMessage());
            } else {
                outcome = new Jobs.Outcome(JobState.failed, null, error.code().name(), error.getMessage());
                execution.error(error.code() + ": " + error.getMessage());
                if (error.code() == ErrorCode.Internal) {
                    LOG.log(System.Logger.Level.ERROR, "job " + job.id() + " failed unexpectedly", failure);
                }
            }
        } finally {
            execution.unbind();
            Thread.interrupted();
        }
        if (endsInLoop && !job.type().serving() && !stopping) {
            // its end is the loop's, written with its next claim: this thread's slot is free now
            synchronized (execution) {
                running.remove(job.id());
                ends.add(new WorkerJobs.End(job.id(), outcome, settings.clock().instant(), execution.drainLog(),
                        execution.progressChanged(true)));
            }
            busy.decrementAndGet();
            wake();
            return null;
        }
        JobExecution next = null;
        try {
            boolean claimNext = settings.claimWithEnd() && !job.type().serving() && !stopping;
            WorkerJobs.Ended ended = finish(execution, outcome, claimNext ? 1 : 0);
            if (!ended.finished()) {
                LOG.log(System.Logger.Level.WARNING, "job " + job.id() + " was no longer running on " + workerId
                        + " when it ended " + outcome.state());
            }
            for (Job claimed : ended.claimed()) {
                JobExecution adopted = adopt(claimed);
                if (adopted != null) {
                    next = adopted; // at most one: the claim was for this thread's slot alone
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "job " + job.id() + ": cannot store its end (" + outcome.state()
                    + "); a restart will find it lost", e);
        } finally {
            running.remove(job.id());
            if (!job.type().serving() && next == null) {
                busy.decrementAndGet();
            }
            serving.remove(Thread.currentThread());
            if (next == null) {
                wake();
            }
        }
        return next;
    }

    @SuppressWarnings("unchecked")
    private static <O extends JobOperation<?>> Object run(JobHandler<?, ?> handler, JobOperation<?> operation, Job job,
                                                         JobContext context) throws Exception {
        return ((JobHandler<O, ?>) handler).run((O) operation, job, context);
    }

    /**
     * Writes the execution's new log lines and changed progress. One flush of an execution at a time: the
     * runner's loop and the worker's last flush before the job's end would otherwise race, the loop taking the
     * last progress and writing it after the job had ended (seen in CI: a succeeded job showing 0 bytes done).
     */
    private void flush(JobExecution execution) {
        synchronized (execution) {
            for (WorkerJobs.LogLine line : execution.drainLog()) {
                jobs.appendLog(execution.job().id(), line.level(), line.message());
            }
            WorkerJobs.Progress progress = execution.progressChanged(false);
            if (progress != null) {
                jobs.progress(execution.job().id(), progress.bytesDone(), progress.bytesTotal(), progress.bytesPerSecond(),
                        progress.etaSeconds());
            }
        }
    }

    /**
     * Writes the execution's last log lines and progress with its end, in one call, and claims up to {@code claim} jobs
     * with it ({@link WorkerJobs#finishAndClaim}); see {@link #flush}.
     */
    private WorkerJobs.Ended finish(JobExecution execution, Jobs.Outcome outcome, int claim) {
        synchronized (execution) {
            return jobs.finishAndClaim(execution.job().id(), workerId, outcome, settings.clock().instant(),
                    execution.drainLog(), execution.progressChanged(true), settings.perHostLimit(), claim);
        }
    }

    /** Stops claiming, cancels the running jobs ("server stopping") and waits for them, bounded. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        if (subscription != null) {
            subscription.close();
        }
        wake();
        try {
            if (loop.getState() != Thread.State.NEW) {
                loop.join(settings.shutdownWait().toMillis());
            }
            running.values().forEach(execution -> execution.cancel("server stopping"));
            workers.shutdown();
            long deadline = System.nanoTime() + settings.shutdownWait().toNanos();
            for (Thread thread : List.copyOf(serving)) {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            boolean ended = workers.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            writeEnds(0); // the ends left to the loop after its last look
            if (!ended || !serving.isEmpty()) {
                List<String> left = List.copyOf(running.keySet());
                LOG.log(System.Logger.Level.WARNING, "jobs " + left + " did not stop within "
                        + settings.shutdownWait() + "; the next start marks them failed (WorkerLost)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            WorkerId.unregister(workerId);
        }
    }
}

package coffer.engine.job;

import coffer.engine.JobProgress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One job while a {@link JobRunner} runs it: the {@link JobContext} handed to the handler. Progress and
 * log lines are only buffered here (handler and chunk threads never touch the database, so an interrupt
 * cannot break a catalog write); the runner's loop writes them to the row ({@link #progressChanged},
 * {@link #drainLog}). Cancellation records a reason and interrupts the bound worker thread.
 *
 * <p>Thread-safe.
 */
final class JobExecution implements JobContext, JobProgress {
    private final Job job;
    private final java.time.Clock clock;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final ConcurrentLinkedQueue<WorkerJobs.LogLine> log = new ConcurrentLinkedQueue<>();
    private final long startedNanos = System.nanoTime();
    // what a new row holds (0 of 0 bytes, rate and ETA unknown): a job that reports no bytes writes no progress
    private long flushedDone;
    private long flushedTotal;
    private long flushedAtNanos;
    private Thread thread;
    private String cancelReason;

    /** {@code clock} stamps the log lines when they are said (they are written later, docs/design/jobs.md). */
    JobExecution(Job job, java.time.Clock clock) {
        this.job = job;
        this.clock = clock;
    }

    Job job() {
        return job;
    }

    // ---- JobContext and JobProgress (handler threads) ----

    @Override
    public JobProgress progress() {
        return this;
    }

    @Override
    public void info(String message) {
        log.add(new WorkerJobs.LogLine(clock.instant(), "info", message));
    }

    @Override
    public void warning(String message) {
        log.add(new WorkerJobs.LogLine(clock.instant(), "warning", message));
    }

    void error(String message) {
        log.add(new WorkerJobs.LogLine(clock.instant(), "error", message));
    }

    @Override
    public void starting(long totalBytes) {
        total.set(totalBytes);
    }

    @Override
    public void advance(long bytes) {
        done.addAndGet(bytes);
    }

    // ---- cancellation ----

    /** Binds the worker thread; interrupts it at once when cancellation came first. */
    synchronized void bind(Thread worker) {
        thread = worker;
        if (cancelReason != null) {
            worker.interrupt();
        }
    }

    synchronized void unbind() {
        thread = null;
    }

    /** Records why the job is cancelled (the first reason wins) and interrupts its thread. */
    synchronized void cancel(String reason) {
        if (cancelReason == null) {
            cancelReason = reason;
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public synchronized String cancelReason() {
        return cancelReason;
    }

    // ---- for the runner's loop ----

    /** Progress to store, or null when unchanged since the last call or stored less than a second ago. */
    synchronized WorkerJobs.Progress progressChanged(boolean force) {
        long now = System.nanoTime();
        long d = done.get();
        long t = Math.max(total.get(), d);
        if (d == flushedDone && t == flushedTotal || !force && now - flushedAtNanos < 1_000_000_000L) {
            return null;
        }
        flushedDone = d;
        flushedTotal = t;
        flushedAtNanos = now;
        double seconds = (now - startedNanos) / 1e9;
        long rate = seconds > 0 && d > 0 ? (long) (d / seconds) : -1;
        long eta = rate > 0 && t > 0 ? (t - d) / rate : -1;
        return new WorkerJobs.Progress(d, t, rate, eta);
    }

    List<WorkerJobs.LogLine> drainLog() {
        List<WorkerJobs.LogLine> lines = new ArrayList<>();
        for (WorkerJobs.LogLine line; (line = log.poll()) != null; ) {
            lines.add(line);
        }
        return lines;
    }
}

package coffer.engine.job;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The worker side of the job rows, all a {@link JobRunner} needs: claim, heartbeat, progress, log, end, and the
 * look for lost workers. Two implementations: the catalog's ({@link Jobs}, a server's in-process worker) and an
 * agent's through the server's API ({@code coffer.engine.agent.RemoteJobs}, docs/design/agents.md): one runner and
 * one set of job handlers, two places to run them. Implementations MUST be thread-safe.
 */
public interface WorkerJobs {
    /** A job's log line, stamped when its handler said it (the runner buffers them, docs/design/jobs.md). */
    record LogLine(Instant at, String level, String message) {
    }

    /** A job's progress as stored: bytes done and total, the rate and the ETA (-1 unknown). */
    record Progress(long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds) {
    }

    /** See {@link Jobs#claimNext}. */
    Optional<Job> claimNext(String workerId, int perHostLimit, Instant now);

    /**
     * Claims up to {@code max} jobs (at least one when one can be claimed), each as {@link #claimNext} would (oldest first,
     * per-host limit over all workers), and writes each one's log line {@link #startedLine}; oldest first. This default
     * claims one job by {@link #claimNext} (an agent's, through the server's API: its claim may wait for a job, so it is
     * not called twice in a row); the catalog's claims a batch in one transaction (docs/design/jobs.md, "Claiming").
     */
    default List<Job> claim(String workerId, int perHostLimit, int max, Instant now) {
        if (max < 1) {
            return List.of();
        }
        Optional<Job> next = claimNext(workerId, perHostLimit, now);
        next.ifPresent(job -> appendLog(job.id(), "info", startedLine(workerId)));
        return next.stream().toList();
    }

    /** The log line of a job's start, written with its claim. */
    static String startedLine(String workerId) {
        return "started on worker " + workerId;
    }

    /** Marks every running job of {@code workerId} alive at {@code now}; returns how many there are. */
    int heartbeat(String workerId, Instant now);

    /** The running jobs of {@code workerId} whose cancellation was requested. */
    List<String> cancelRequested(String workerId);

    /** Stores progress; rate and ETA are derived by the caller (-1 unknown). */
    void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds);

    void appendLog(String id, String level, String message);

    /** Ends a running job claimed by {@code workerId}; false (and no change) if it is not, e.g. found lost. */
    boolean finish(String id, String workerId, Jobs.Outcome outcome, Instant now);

    /**
     * Writes the job's last log lines (in order) and, when not null, its last progress, then ends it as
     * {@link #finish(String, String, Jobs.Outcome, Instant)}. This default makes one call of each; the catalog's
     * writes all of it in the transaction of the job's end. The lines are kept even when the job is no longer
     * {@code workerId}'s (found lost meanwhile).
     */
    default boolean finish(String id, String workerId, Jobs.Outcome outcome, Instant now, List<LogLine> lastLines,
                           Progress lastProgress) {
        for (LogLine line : lastLines) {
            appendLog(id, line.level(), line.message());
        }
        if (lastProgress != null) {
            progress(id, lastProgress.bytesDone(), lastProgress.bytesTotal(), lastProgress.bytesPerSecond(),
                    lastProgress.etaSeconds());
        }
        return finish(id, workerId, outcome, now);
    }

    /** What {@link #finishAndClaim} did: whether the job ended (as {@link #finish} says) and the jobs claimed with it. */
    record Ended(boolean finished, List<Job> claimed) {
        public Ended {
            claimed = List.copyOf(claimed);
        }
    }

    /**
     * Ends a job as {@link #finish(String, String, Jobs.Outcome, Instant, List, Progress)} and claims up to {@code max}
     * jobs as {@link #claim} (with their start lines) for the worker thread it frees, so the thread starts its next job
     * without waiting for the runner's loop (docs/design/jobs.md, "Claiming"). The claim is made whether or not the job
     * was still the worker's. This default only ends the job and claims nothing (an agent's claim may wait on the server
     * for a job: its runner's loop claims); the catalog's does both, on PostgreSQL in one statement.
     */
    default Ended finishAndClaim(String id, String workerId, Jobs.Outcome outcome, Instant now, List<LogLine> lastLines,
                                 Progress lastProgress, int perHostLimit, int max) {
        return new Ended(finish(id, workerId, outcome, now, lastLines, lastProgress), List.of());
    }

    /** A job's end as the runner's loop writes it ({@link #finishAllAndClaim}): its outcome, when, its last lines and progress. */
    record End(String id, Jobs.Outcome outcome, Instant at, List<LogLine> lastLines, Progress lastProgress) {
        public End {
            lastLines = List.copyOf(lastLines);
        }
    }

    /** What {@link #finishAllAndClaim} did: the ids of the jobs it ended (as {@link #finish} says) and the jobs it claimed. */
    record EndsAndClaims(Set<String> finished, List<Job> claimed) {
        public EndsAndClaims {
            finished = Set.copyOf(finished);
            claimed = List.copyOf(claimed);
        }
    }

    /**
     * Whether {@link #finishAllAndClaim} is the runner's way to end its jobs: the runner's loop then writes the ends of
     * its worker threads' jobs with its next claim (docs/design/jobs.md, "Claiming"). False by default (an agent's claim
     * may wait on its server for a job, so its loop cannot be the one that ends jobs); the catalog's says yes.
     */
    default boolean endsWithClaims() {
        return false;
    }

    /**
     * Ends each job of {@code ends} as {@link #finish(String, String, Jobs.Outcome, Instant, List, Progress)}, then
     * claims up to {@code max} jobs as {@link #claim} (the claim sees the ends: the slots they free can be taken). This
     * default makes one call of each; the catalog's, on PostgreSQL, one statement for all of it.
     */
    default EndsAndClaims finishAllAndClaim(String workerId, List<End> ends, int perHostLimit, int max, Instant now) {
        Set<String> finished = new HashSet<>();
        for (End end : ends) {
            if (finish(end.id(), workerId, end.outcome(), end.at(), end.lastLines(), end.lastProgress())) {
                finished.add(end.id());
            }
        }
        return new EndsAndClaims(finished, claim(workerId, perHostLimit, max, now));
    }

    /** Every running job with its worker and heartbeat (empty where the lost are judged elsewhere: an agent). */
    List<Jobs.Claim> claims();

    /** See {@link Jobs#failLost}. */
    boolean failLost(String id, String workerId, String message, Instant now);

    /** See {@link Jobs#whenChanged}. */
    Jobs.Subscription whenChanged(Runnable listener);
}

package coffer.engine.job;

import coffer.engine.catalog.Page;
import coffer.engine.catalog.PageCursor;
import coffer.engine.operation.JobOperation;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The job rows. State changes are conditional updates, so two workers never both claim a job and a job
 * ends exactly once (docs/design/jobs.md). The first group of methods is for clients (the API, the CLI);
 * the second is the worker side, used by {@link JobRunner}. Implementations MUST be thread-safe.
 */
public interface Jobs extends WorkerJobs {
    /**
     * Filters for {@link #list} and {@link #page}; null fields match everything. {@code from} inclusive, {@code to}
     * exclusive, on the creation time; {@code after}: the page starts after this cursor; {@code limit}: at most
     * this many (null: all, for {@link #list}); {@code region}: only jobs of that region (the catalog's
     * {@code jobs.region}: its host's region when it was queued).
     */
    record Filter(JobState state, JobType type, String target, String hostId, Instant from, Instant to,
                  PageCursor after, Integer limit, String region) {
        public static final Filter ALL = new Filter(null, null, null, null);

        public Filter(JobState state, JobType type, String target, Integer limit) {
            this(state, type, target, null, null, null, null, limit);
        }

        public Filter(JobState state, JobType type, String target, String hostId, Instant from, Instant to,
                      PageCursor after, Integer limit) {
            this(state, type, target, hostId, from, to, after, limit, null);
        }
    }

    /** Queues the operation on the host; the row's type and target are the operation's. */
    Job submit(JobOperation<?> operation, String hostId);

    Optional<Job> find(String id);

    List<Job> list(Filter filter);

    /** One page of the jobs {@code filter} selects, newest first; its limit is required. */
    Page<Job> page(Filter filter);

    List<JobLogEntry> log(String id);

    /**
     * One page of a job's log, oldest line first: at most {@code limit} lines after {@code after} (null: from the first).
     * The cursor is the last line's time and sequence ({@link PageCursor}, its id the sequence number); a cursor
     * whose id is no sequence number is {@code InvalidArgument} naming {@code cursor}.
     */
    Page<JobLogEntry> logPage(String id, PageCursor after, int limit);

    void appendLog(String id, String level, String message);

    /**
     * Requests cancellation: a queued job becomes cancelled at once; a running one gets the flag its worker
     * polls. Returns the job as it is now, empty when unknown.
     */
    Optional<Job> cancel(String id);

    // ---- worker side (JobRunner) ----

    /** Who runs a running job, and when it last said so. */
    record Claim(String jobId, String hostId, String workerId, Instant heartbeatAt) {
    }

    /** How a job ended: {@code state} is final; {@code errorCode} set for failed and cancelled. */
    record Outcome(JobState state, JsonNode result, String errorCode, String errorMessage) {
    }

    /**
     * Claims the oldest queued job whose host has fewer than {@code perHostLimit} running jobs (counted over
     * all workers): it becomes running with {@code workerId}, started and heartbeat at {@code now}. Atomic:
     * of two workers racing for a job, one gets it; the per-host count is checked under a lock of the host.
     */
    Optional<Job> claimNext(String workerId, int perHostLimit, Instant now);

    /**
     * Claims for the agent serving {@code hostId} (docs/design/agents.md): as {@link #claimNext}, but only the jobs of
     * that host that agents run ({@link JobType#onAgent}), and nothing unless {@code workerId} is the host's agent. {@link #claimNext} leaves those jobs of a host an agent
     * serves ({@link coffer.engine.catalog.Hosts#serveByAgent}) to the agent.
     */
    default Optional<Job> claimForAgent(String hostId, String workerId, int perHostLimit, Instant now) {
        return claimForAgent(hostId, workerId, null, perHostLimit, now);
    }

    /**
     * {@link #claimForAgent(String, String, int, Instant)}, recording {@code claimId} (the agent's id of the claim; null:
     * none) on the job claimed, in the claim's transaction, so that a claim sent again with that id finds it
     * ({@link #claimedByAgent}) whenever the claim committed.
     */
    Optional<Job> claimForAgent(String hostId, String workerId, String claimId, int perHostLimit, Instant now);

    /**
     * What an agent's claim of id {@code claimId} took (docs/design/agents.md "Claims"): empty when no job was claimed
     * with that id; else the job, which answers the claim again when it still runs for {@code workerId} (its state
     * tells: a job ended or given to another worker since is not the agent's to run).
     */
    Optional<Job> claimedByAgent(String claimId, String workerId);

    /** Marks every running job of {@code workerId} alive at {@code now}; returns how many there are. */
    int heartbeat(String workerId, Instant now);

    /** The running jobs of {@code workerId} whose cancellation was requested. */
    List<String> cancelRequested(String workerId);

    /** Stores progress; rate and ETA are derived by the caller (-1 unknown). */
    void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds);

    /** Ends a running job claimed by {@code workerId}; false (and no change) if it is not, e.g. found lost. */
    boolean finish(String id, String workerId, Outcome outcome, Instant now);

    /** Every running job with its worker and heartbeat. */
    List<Claim> claims();

    /**
     * Fails a running job whose worker is gone, if it still has that worker: state failed, code WorkerLost,
     * with {@code message} in the row and the log. False if the job ended or changed hands meanwhile.
     */
    boolean failLost(String id, String workerId, String message, Instant now);

    // ---- agents (docs/design/agents.md) ----

    /** A running job of one worker: when it was claimed, and whether its cancellation was requested. */
    record Held(String jobId, Instant startedAt, boolean cancelRequested) {
    }

    /**
     * Whether {@link #claimForAgent} would find a job now (a queued one of the host for this agent, the host below its
     * limit), without claiming: what a waiting claim looks for (docs/design/agents.md "Long polls").
     */
    boolean claimableForAgent(String hostId, String workerId, int perHostLimit);

    /**
     * Like {@link #whenChanged}, and also after the submits and cancels of the other servers of a PostgreSQL catalog
     * (heard through the database, on a thread of its own): what an agent's waiting claim listens to.
     */
    Subscription whenChangedAnywhere(Runnable listener);

    /**
     * Wakes the waiting claims after a job of an agent's host ended (a place on the host may be free): the
     * {@link #whenChanged} listeners of this process at once, on the caller's thread, and on PostgreSQL those of the other
     * servers ({@link #whenChangedAnywhere}), as a submit does (docs/design/agents.md "Long polls").
     */
    void wakeWaitingClaims();

    /** The running jobs of {@code workerId} (an agent's heartbeat compares them with the jobs it names). */
    List<Held> runningOf(String workerId);

    /**
     * Calls {@code listener} (on the caller's thread, so it must be quick) after every submit and cancel made
     * through this object, so a runner in the same process wakes at once. Close the result to stop.
     */
    Subscription whenChanged(Runnable listener);

    /** Ends a {@link #whenChanged} registration. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}

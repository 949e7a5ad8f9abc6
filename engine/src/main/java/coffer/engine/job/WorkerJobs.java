package coffer.engine.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The worker side of the job rows, all a {@link JobRunner} needs: claim, heartbeat, progress, log, end, and the
 * look for lost workers. Two implementations: the catalog's ({@link Jobs}, a server's in-process worker) and an
 * agent's through the server's API ({@code coffer.engine.agent.RemoteJobs}, docs/design/agents.md): one runner and
 * one set of job handlers, two places to run them. Implementations MUST be thread-safe.
 */
public interface WorkerJobs {
    /** See {@link Jobs#claimNext}. */
    Optional<Job> claimNext(String workerId, int perHostLimit, Instant now);

    /** Marks every running job of {@code workerId} alive at {@code now}; returns how many there are. */
    int heartbeat(String workerId, Instant now);

    /** The running jobs of {@code workerId} whose cancellation was requested. */
    List<String> cancelRequested(String workerId);

    /** Stores progress; rate and ETA are derived by the caller (-1 unknown). */
    void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds);

    void appendLog(String id, String level, String message);

    /** Ends a running job claimed by {@code workerId}; false (and no change) if it is not, e.g. found lost. */
    boolean finish(String id, String workerId, Jobs.Outcome outcome, Instant now);

    /** Every running job with its worker and heartbeat (empty where the lost are judged elsewhere: an agent). */
    List<Jobs.Claim> claims();

    /** See {@link Jobs#failLost}. */
    boolean failLost(String id, String workerId, String message, Instant now);

    /** See {@link Jobs#whenChanged}. */
    Jobs.Subscription whenChanged(Runnable listener);
}

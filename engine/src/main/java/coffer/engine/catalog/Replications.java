package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where each point's replications stand: one row per point and destination (region, vault); no row means not
 * replicated there. Transitions: none or FAILED → QUEUED ({@link #queue}); QUEUED or FAILED → RUNNING
 * ({@link #start}); RUNNING → DONE ({@link #done}) or FAILED ({@link #failed}). A DONE replication stays done.
 */
public interface Replications {
    /** Queues the replication unless it is queued, running or done already; returns whether it changed. */
    boolean queue(String pointId, String region, String vault);

    /** Marks it running for {@code jobId} if it is queued or failed (a retry); returns whether it changed. */
    boolean start(String pointId, String region, String vault, String jobId);

    /** The replica {@code replicaId} exists in the destination: done. */
    void done(String pointId, String region, String vault, String replicaId);

    /** The run failed with {@code code}; retried at {@code nextAttemptAt} (null: not retried). Counts the attempt. */
    void failed(String pointId, String region, String vault, String code, String message, Instant nextAttemptAt);

    Optional<ReplicationRecord> find(String pointId, String region, String vault);

    /** Every destination of one point. */
    List<ReplicationRecord> ofPoint(String pointId);

    /** Every destination of each of {@code pointIds} (one query; a page of a point list), by point then region and vault. */
    List<ReplicationRecord> ofPoints(java.util.Collection<String> pointIds);

    /** Failed replications whose next attempt is due at {@code now}, the longest waiting first. */
    List<ReplicationRecord> due(Instant now);

    /**
     * Per source vault and destination (region, vault) with replication rows: when the oldest point whose replica is
     * not done yet was made (null: every replica there is done). Points deleted since are left out. One query.
     */
    List<Lag> lags();

    /** {@link #lags()}: the oldest point of {@code sourceVault} not replicated to {@code region}/{@code vault} yet. */
    record Lag(String sourceVault, String region, String vault, Instant oldestPending) {
    }

    /** The replications marked running (each with its job). */
    List<ReplicationRecord> running();

    /**
     * Marks a replication that is still running for {@code jobId} failed (its job ended without ending it: a killed
     * server); returns whether it was.
     */
    boolean abandoned(String pointId, String region, String vault, String jobId, String code, String message,
                      Instant nextAttemptAt);
}

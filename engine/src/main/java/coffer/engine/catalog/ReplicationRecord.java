package coffer.engine.catalog;

import java.time.Instant;

/**
 * The replication of one point to one destination vault of a region, as the catalog tracks it
 * (docs/design/replication.md). {@code replicaId}: set once {@link State#DONE}; {@code attempts}: runs that failed so
 * far; {@code nextAttemptAt}: when a failed replication is retried (null: it is not); {@code errorCode} and
 * {@code errorMessage}: the last failure. Immutable.
 */
public record ReplicationRecord(String pointId, String region, String vault, State state, String replicaId, int attempts,
                                Instant nextAttemptAt, String errorCode, String errorMessage, String jobId,
                                Instant updatedAt) {
    /** Queued (waiting for a run), running, done (the replica exists), failed (with the reason). */
    public enum State { QUEUED, RUNNING, DONE, FAILED }
}

package coffer.engine.replication;

import coffer.engine.catalog.ReplicationRecord;

import java.time.Instant;
import java.util.Optional;

/**
 * A point's replication to one destination, as shown to people (docs/design/replication.md): not replicated, queued,
 * running, done with the replica's id, or failed with the reason (its error code and message, the attempts so far, and
 * when it is retried: null when it is not). Immutable.
 */
public sealed interface ReplicationStatus {
    record NotReplicated() implements ReplicationStatus {
    }

    record Queued() implements ReplicationStatus {
    }

    record Running(String jobId) implements ReplicationStatus {
    }

    record Done(String replicaId) implements ReplicationStatus {
    }

    record Failed(String code, String reason, int attempts, Instant retryAt) implements ReplicationStatus {
    }

    /** The status a catalog row (or its absence) stands for. */
    static ReplicationStatus of(Optional<ReplicationRecord> row) {
        if (row.isEmpty()) {
            return new NotReplicated();
        }
        ReplicationRecord r = row.get();
        return switch (r.state()) {
            case QUEUED -> new Queued();
            case RUNNING -> new Running(r.jobId());
            case DONE -> new Done(r.replicaId());
            case FAILED -> new Failed(r.errorCode(), r.errorMessage(), r.attempts(), r.nextAttemptAt());
        };
    }
}

package coffer.engine.replication;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.policy.ReplicationRule;
import coffer.vault.PointManifest;
import coffer.vault.replicate.PointReplicator;
import coffer.vault.replicate.ReplicaWriteException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Replicates one point into a vault of another region (docs/design/replication.md): checks the rule's encryption
 * against the destination ({@link ReplicaEncryption}), records the source in the replica's facts
 * ({@link ReplicaFacts}), and copies with the vault's {@link PointReplicator}: only what the destination lacks,
 * re-encrypted for it, checked on arrival, published whole or not at all. Progress: the point's logical bytes; cancel:
 * interrupt the calling thread (nothing half-made is left: the next run completes).
 *
 * <p>Errors: a destination that cannot be read or written is {@link ErrorCode#ReplicationMetadataSyncFailed}; a
 * destination not encrypted as the rule asks {@link ErrorCode#DestinationEncryptionMismatch}; the source's own
 * failures keep their codes (PointNotFound, DataCorrupt, StorageFailure, …); a cancel is Cancelled.
 *
 * <p>Stateless; thread-safe.
 */
public final class PointReplication {
    private final int threads;

    public PointReplication(int threads) {
        this.threads = threads;
    }

    /**
     * Copy point {@code pointId} of {@code source} to {@code destination}, encrypted as {@code encryption} asks; the
     * replica expires at {@code replicaExpires} (null: never) and is held immutable until {@code immutableUntil}
     * (null: not held).
     */
    public record Request(RegionVault source, String pointId, RegionVault destination, ReplicationRule.Encryption encryption,
                          Instant replicaExpires, Instant immutableUntil) {
    }

    /**
     * What the replication did: the replica; the replica it started from (null: none); objects (chunks and patches)
     * stored in the destination and their sealed bytes (what crossed); plaintext read from the source; index entries
     * taken from the base replica unread; whether the replica existed already; how long it took.
     */
    public record Result(String pointId, PointManifest replica, String base, long newObjects, long storedBytes,
                         long readBytes, long reusedEntries, boolean alreadyThere, Duration elapsed) {
        public String replicaId() {
            return replica.id();
        }

        /** Logical bytes of the point covered per second. */
        public double megabytesPerSecond() {
            return replica.logicalBytes() / 1e6 / Math.max(elapsed.toNanos() / 1e9, 1e-9);
        }
    }

    public Result run(Request request, JobProgress progress) {
        long started = System.nanoTime();
        try {
            PointManifest point = request.source().vault().point(request.pointId());
            ReplicaEncryption.check(request.encryption(), request.source().vault().config().encrypted(),
                    request.destination().vault().config(), request.destination().toString());
            ReplicaFacts facts = ReplicaFacts.of(request.source().region(), request.source().name(),
                    request.source().vault().config().vaultId(), point.id());
            progress.starting(point.logicalBytes());
            PointReplicator.Result copied = new PointReplicator(request.source().vault(), request.destination().vault(),
                    threads).replicate(new PointReplicator.Request(point.id(), facts.factsFor(point,
                    request.replicaExpires()), request.immutableUntil()), progress);
            return new Result(point.id(), copied.replica(), copied.base(), copied.newObjects(), copied.storedBytes(),
                    copied.readBytes(), copied.reusedEntries(), copied.alreadyThere(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (ReplicaWriteException e) {
            throw cancelledIfInterrupted(new CofferException(ErrorCode.ReplicationMetadataSyncFailed, "replica of point "
                    + request.pointId() + " in " + request.destination() + ": " + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            throw cancelledIfInterrupted(Errors.classify(e));
        }
    }

    /**
     * {@code failure}, or {@link ErrorCode#Cancelled} when the calling thread is interrupted: a cancel that cuts a
     * request short fails it as a storage failure (the AWS SDK's "Thread was interrupted", the interrupt set again),
     * which must not read as the destination's failure and be retried (docs/design/replication.md). The interrupt
     * stays set for the caller.
     */
    static CofferException cancelledIfInterrupted(CofferException failure) {
        if (failure.code() == ErrorCode.Cancelled || !Thread.currentThread().isInterrupted()) {
            return failure;
        }
        return new CofferException(ErrorCode.Cancelled, "cancelled (" + failure.getMessage() + ")", failure);
    }
}

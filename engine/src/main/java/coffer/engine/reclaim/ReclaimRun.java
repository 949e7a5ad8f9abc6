package coffer.engine.reclaim;

import java.time.Duration;
import java.time.Instant;

/**
 * One gc step of a vault and what it reclaimed (for the job log and metrics). {@code reclaimedBytes}: stored bytes of
 * the chunks deleted; {@code remainingChunks}: unreferenced chunks old enough to go that the step left for the next
 * one (its sweep budget ran out); {@code staleClaims}, {@code staleLeases}: replication claims and point leases of
 * processes that ended without releasing them, which the step's gc removed (docs/design/gc.md); {@code lockHeld}: how
 * long backups of the vault had to wait at most; {@code pendingSince}: the earliest deletion this step was for (null
 * for a rescan); {@code late}: that deletion's deadline had passed when the step began; {@code busy}: why the step
 * could not lock the vault. Immutable.
 */
public record ReclaimRun(String vault, Instant startedAt, Instant finishedAt, ReclaimDecision.Reason reason,
                         Outcome outcome, long reclaimedChunks, long reclaimedBytes, long remainingChunks,
                         int orphanObjects, int staleClaims, int staleLeases, Duration lockHeld, Instant pendingSince,
                         boolean late, String busy) {
    /** How a step ended. */
    public enum Outcome {
        /** Everything due was swept. */
        COMPLETE,
        /** The sweep budget ran out; the next step continues. */
        PARTIAL,
        /** Running backups kept the vault longer than the lock wait; nothing was swept. */
        BUSY,
        /** gc failed (its error went to the caller; never in a returned run); the next step tries again. */
        FAILED
    }
}

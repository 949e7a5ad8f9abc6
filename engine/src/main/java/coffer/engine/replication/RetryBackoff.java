package coffer.engine.replication;

import coffer.engine.error.ErrorCode;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * When a failed replication is tried again: after {@link #FIRST}, doubling with each failed attempt up to
 * {@link #LONGEST}, at most {@link #ATTEMPTS} attempts in all; and only for failures that may pass (a destination
 * that could not be written, storage, a busy vault, a lost worker, the catalog). A failure that the same input will
 * hit again (a bad argument, a missing or corrupt source point, a key, the rule's encryption, a cancel by a person) is
 * not retried. Pure function; stateless.
 */
public final class RetryBackoff {
    static final Duration FIRST = Duration.ofMinutes(1);
    static final Duration LONGEST = Duration.ofHours(6);
    static final int ATTEMPTS = 10;
    private static final Set<ErrorCode> PASSING = Set.of(ErrorCode.ReplicationMetadataSyncFailed, ErrorCode.StorageFailure,
            ErrorCode.VaultBusy, ErrorCode.WorkerLost, ErrorCode.CatalogFailure, ErrorCode.Internal);

    private RetryBackoff() {
    }

    /**
     * The next attempt after the {@code attempts}-th attempt (counting from 1) failed with {@code code} at
     * {@code failedAt}; empty when it is not retried.
     */
    public static Optional<Instant> next(ErrorCode code, int attempts, Instant failedAt) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempts);
        }
        if (!PASSING.contains(code) || attempts >= ATTEMPTS) {
            return Optional.empty();
        }
        Duration wait = FIRST.multipliedBy(1L << Math.min(attempts - 1, 20));
        return Optional.of(failedAt.plus(wait.compareTo(LONGEST) > 0 ? LONGEST : wait));
    }
}

package coffer.engine.replication;

import coffer.engine.error.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a failed replication runs again: a table of failures, attempts and the next attempt. */
class RetryBackoffTest {
    private static final Instant FAILED = Instant.parse("2026-03-01T12:00:00Z");

    @ParameterizedTest(name = "{0} after attempt {1}: {2}")
    @CsvSource(nullValues = "never", value = {
            "ReplicationMetadataSyncFailed, 1, 2026-03-01T12:01:00Z",
            "ReplicationMetadataSyncFailed, 2, 2026-03-01T12:02:00Z",
            "ReplicationMetadataSyncFailed, 3, 2026-03-01T12:04:00Z",
            "ReplicationMetadataSyncFailed, 6, 2026-03-01T12:32:00Z",
            "ReplicationMetadataSyncFailed, 9, 2026-03-01T16:16:00Z",
            "StorageFailure, 8, 2026-03-01T14:08:00Z",
            "VaultBusy, 1, 2026-03-01T12:01:00Z",
            "WorkerLost, 2, 2026-03-01T12:02:00Z",
            "CatalogFailure, 4, 2026-03-01T12:08:00Z",
            "Internal, 1, 2026-03-01T12:01:00Z",
            "ReplicationMetadataSyncFailed, 10, never",
            "ReplicationMetadataSyncFailed, 40, never",
            "InvalidArgument, 1, never",
            "PointNotFound, 1, never",
            "DataCorrupt, 1, never",
            "KeyUnavailable, 1, never",
            "UnsupportedFormat, 1, never",
            "DestinationEncryptionMismatch, 1, never",
            "NoDestinationRegion, 1, never",
            "Cancelled, 1, never",
    })
    void nextAttempt(ErrorCode code, int attempts, Instant expected) {
        assertEquals(Optional.ofNullable(expected), RetryBackoff.next(code, attempts, FAILED));
    }

    @ParameterizedTest(name = "attempt {0} waits at most six hours")
    @CsvSource({"9", "8"})
    void theWaitNeverExceedsTheLongest(int attempts) {
        Instant next = RetryBackoff.next(ErrorCode.StorageFailure, attempts, FAILED).orElseThrow();
        assertEquals(true, !next.isAfter(FAILED.plus(RetryBackoff.LONGEST)));
    }
}

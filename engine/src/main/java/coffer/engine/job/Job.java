package coffer.engine.job;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A job row. {@code params} are the request as JSON; {@code result} the outcome as JSON (for a backup:
 * {@code {"point": ID, ...}}); {@code errorCode} one of {@link coffer.engine.error.ErrorCode} when failed
 * or cancelled. {@code bytesPerSecond} and {@code etaSeconds} are derived from the progress (-1 unknown).
 */
public record Job(String id, JobType type, String target, String hostId, JobState state, JsonNode params,
                  Instant createdAt, Instant startedAt, Instant finishedAt, Instant heartbeatAt,
                  long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds,
                  boolean cancelRequested, JsonNode result, String errorCode, String errorMessage) {
}

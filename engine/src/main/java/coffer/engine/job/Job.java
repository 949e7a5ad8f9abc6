package coffer.engine.job;

import coffer.engine.operation.JobOperation;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A job row. {@code params} is its operation record as JSON ({@link JobParams}); {@code result} the operation's
 * result record as JSON once it succeeded; {@code errorCode} one of {@link coffer.engine.error.ErrorCode} when
 * failed or cancelled. {@code bytesPerSecond} and {@code etaSeconds} are derived from the progress (-1 unknown).
 */
public record Job(String id, JobType type, String target, String hostId, JobState state, JsonNode params,
                  Instant createdAt, Instant startedAt, Instant finishedAt, Instant heartbeatAt,
                  long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds,
                  boolean cancelRequested, JsonNode result, String errorCode, String errorMessage) {

    /** The operation record the job runs; InvalidArgument naming the field when its parameters make none. */
    public JobOperation<?> operation() {
        return JobParams.operation(type, params);
    }
}

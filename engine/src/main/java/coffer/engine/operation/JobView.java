package coffer.engine.operation;

import coffer.engine.json.CofferJson;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A job: its type and target (with {@code instanceName}, the name the catalog has for the instance when the target is
 * one: a backup's or a clone's), state, parameters (its operation record), progress (bytes, rate, ETA; -1
 * unknown), and when it ended its {@code result} (the operation's result record) or {@code error} (a stable code
 * and the message).
 */
public record JobView(String id, JobType type, String target,
                      @JsonPropertyDescription("The name of the instance the job is for, when its target is an instance"
                              + " (a backup's, a clone's); null for another target") String instanceName,
                      String host, JobState state, JsonNode params,
                      Instant createdAt, Instant startedAt, Instant finishedAt, Progress progress, boolean cancelRequested,
                      JsonNode result, @JsonInclude(JsonInclude.Include.NON_NULL) Error error) {

    public record Progress(long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds) {
    }

    public record Error(String code, String message) {
    }

    public static JobView of(Job j) {
        return new JobView(j.id(), j.type(), j.target(), null, j.hostId(), j.state(), j.params(), j.createdAt(), j.startedAt(),
                j.finishedAt(), new Progress(j.bytesDone(), j.bytesTotal(), j.bytesPerSecond(), j.etaSeconds()),
                j.cancelRequested(), j.result(), j.errorCode() == null ? null : new Error(j.errorCode(), j.errorMessage()));
    }

    /** The same job with the name of the instance it is for. */
    public JobView withInstanceName(String name) {
        return new JobView(id, type, target, name, host, state, params, createdAt, startedAt, finishedAt, progress,
                cancelRequested, result, error);
    }

    /** The job's result as its operation's result record; null until it succeeded. */
    public <R> R resultAs(Class<R> type) {
        return result == null || result.isNull() ? null : CofferJson.read(result, type);
    }
}

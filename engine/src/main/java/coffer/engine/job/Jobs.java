package coffer.engine.job;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/** The job rows. State changes are conditional updates, so two workers never both claim a job. */
public interface Jobs {
    /** Filters for {@link #list}; null fields match everything. */
    record Filter(JobState state, JobType type, String target, Integer limit) {
        public static final Filter ALL = new Filter(null, null, null, null);
    }

    Job submit(JobType type, String target, String hostId, JsonNode params);

    Optional<Job> find(String id);

    List<Job> list(Filter filter);

    List<JobLogEntry> log(String id);

    void appendLog(String id, String level, String message);

    /**
     * Requests cancellation: a queued job becomes cancelled at once; a running one gets the flag its worker
     * polls. Returns the job as it is now, empty when unknown.
     */
    Optional<Job> cancel(String id);
}

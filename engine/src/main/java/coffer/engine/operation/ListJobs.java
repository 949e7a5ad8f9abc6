package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;

/**
 * Jobs, newest first, filtered by state, type, target and region (the region of the host that runs them); at most
 * {@code limit} (1 to 1000; default: all).
 */
public record ListJobs(JobState state, JobType type, String target, Integer limit, String region)
        implements Operation<JobList> {
    public static final int MAX_LIMIT = 1000;

    public ListJobs {
        Problems problems = new Problems();
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            problems.add("limit", "a whole number from 1 to " + MAX_LIMIT + ", got '" + limit + "'");
        }
        Rules.name(problems, "region", region, "a region: ");
        problems.throwIfAny("job list request");
    }
}

package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;

import java.time.Instant;

/**
 * One page of jobs, newest first, filtered on the server by state, type, target (an instance, point, group or group
 * point id), {@code instance} (UUID or name: the jobs whose target it is), host, region (the region of the host that
 * runs them), created at or after {@code since} and
 * before {@code until}; the page after {@code cursor} (the previous page's {@code nextCursor}); at most {@code limit} jobs
 * (1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}).
 */
public record ListJobs(JobState state, JobType type, String target, String instance, String host, String region,
                       Instant since, Instant until, String cursor, Integer limit) implements Operation<JobList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public ListJobs {
        Problems problems = new Problems();
        if (target != null && instance != null) {
            problems.add("instance", "give the target or the instance, not both");
        }
        Rules.name(problems, "region", region, "a region: ");
        Rules.page(problems, since, until, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("job list request");
    }

    /** The first page of jobs filtered by state, type and target. */
    public ListJobs(JobState state, JobType type, String target, Integer limit) {
        this(state, type, target, null, null, null, null, null, null, limit);
    }

    /** The page after {@code next} of the same list. */
    public ListJobs next(String next) {
        return new ListJobs(state, type, target, instance, host, region, since, until, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

package coffer.engine.operation;

import java.util.List;

/**
 * One page of jobs, newest first. {@code count} is the page's length; {@code nextCursor} asks for the next page
 * ({@link ListJobs#cursor}), null on the last.
 */
public record JobList(List<JobView> jobs, int count, String nextCursor) {
    public JobList {
        jobs = List.copyOf(jobs);
    }

    public static JobList of(List<JobView> jobs, String nextCursor) {
        return new JobList(jobs, jobs.size(), nextCursor);
    }
}

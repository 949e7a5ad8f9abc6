package coffer.engine.operation;

import java.util.List;

/** Jobs, newest first. {@code count} is the list's length. */
public record JobList(List<JobView> jobs, int count) {
    public JobList {
        jobs = List.copyOf(jobs);
    }

    public static JobList of(List<JobView> jobs) {
        return new JobList(jobs, jobs.size());
    }
}

package coffer.engine.operation;

import coffer.engine.error.Problems;

/** One job with its progress, result or error. */
public record ShowJob(String job) implements Operation<JobView> {
    public ShowJob {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the job's id");
        problems.throwIfAny("show job request");
    }
}

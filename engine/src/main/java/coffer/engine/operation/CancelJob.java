package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Cancel a queued or running job; it cleans up what it started. */
public record CancelJob(String job) implements Operation<JobView> {
    public CancelJob {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the job's id");
        problems.throwIfAny("cancel job request");
    }
}

package coffer.engine.operation;

import coffer.engine.error.Problems;

/** A job's log, oldest line first. */
public record ShowJobLog(String job) implements Operation<JobLog> {
    public ShowJobLog {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the job's id");
        problems.throwIfAny("show job log request");
    }
}

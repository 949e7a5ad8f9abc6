package coffer.engine.job;

import coffer.engine.operation.JobOperation;

/**
 * Runs one type of job on a worker thread: it receives the job's operation record as it was submitted and
 * returns the operation's result record (stored on the row as JSON). Cancellation interrupts that thread; the
 * handler's use case cleans up and throws {@link coffer.engine.error.CofferException} with code Cancelled.
 */
@FunctionalInterface
public interface JobHandler<O extends JobOperation<?>, R> {
    R run(O operation, Job job, JobContext context) throws Exception;
}

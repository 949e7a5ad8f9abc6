package coffer.engine.job;

import coffer.engine.JobProgress;

/** What a running job can report: progress (stored on the row, throttled) and log lines. */
public interface JobContext {
    JobProgress progress();

    void info(String message);

    void warning(String message);

    /**
     * Why the job is being cancelled ("cancelled on request", "server stopping"), or null while it is not: a serving
     * job (a mount) records why it ended.
     */
    default String cancelReason() {
        return null;
    }

    /**
     * The context of job {@code jobId} for code that runs outside its handler: lines appended to the job's log in
     * {@code jobs}, no progress.
     */
    static JobContext logOf(WorkerJobs jobs, String jobId) {
        return new JobLogContext(jobs, jobId);
    }
}

package coffer.engine.job;

import coffer.engine.JobProgress;

/**
 * The context of a job for code that runs outside its handler (a server's steps after an agent's backup, the adoption
 * of a lost job's points): its lines go straight to the job's log rows, progress is not reported. Made by
 * {@link JobContext#logOf}. Thread-safe as {@link WorkerJobs} is.
 */
record JobLogContext(WorkerJobs jobs, String jobId) implements JobContext {
    @Override
    public JobProgress progress() {
        return JobProgress.NONE;
    }

    @Override
    public void info(String message) {
        jobs.appendLog(jobId, "info", message);
    }

    @Override
    public void warning(String message) {
        jobs.appendLog(jobId, "warning", message);
    }
}

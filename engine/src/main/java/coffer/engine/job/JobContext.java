package coffer.engine.job;

import coffer.engine.JobProgress;

/** What a running job can report: progress (stored on the row, throttled) and log lines. */
public interface JobContext {
    JobProgress progress();

    void info(String message);

    void warning(String message);
}

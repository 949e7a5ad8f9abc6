package coffer.engine.job;

import coffer.testing.Await;

import java.time.Duration;

/** Test helper: waits (polling the catalog) until a job reaches a final state. */
public final class JobEnd {
    private JobEnd() {
    }

    /** The job once final; AssertionError with its last row after {@code timeout}. */
    public static Job await(Jobs jobs, Job job, Duration timeout) throws InterruptedException {
        Await.until(() -> jobs.find(job.id()).orElseThrow().state().isFinal(), timeout,
                () -> "job " + job.id() + " to end within " + timeout + ": " + jobs.find(job.id()));
        return jobs.find(job.id()).orElseThrow();
    }
}

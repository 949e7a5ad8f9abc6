package coffer.engine.job;

import java.time.Duration;

/** Test helper: waits (polling the catalog) until a job reaches a final state. */
public final class JobEnd {
    private JobEnd() {
    }

    /** The job once final; AssertionError with its last row after {@code timeout}. */
    public static Job await(Jobs jobs, Job job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Job now = jobs.find(job.id()).orElseThrow();
            if (now.state().isFinal()) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + job.id() + " did not end within " + timeout + ": " + jobs.find(job.id()));
    }
}

package coffer.engine.operation;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.JobState;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Follows a job until it ends, feeding its progress to a {@link JobProgress}: its result record when it
 * succeeded, else its error (the job's stable code and message; a cancelled job is {@code Cancelled}).
 * Stateless.
 */
public final class JobFollow {
    private static final Duration POLL = Duration.ofMillis(300);

    private JobFollow() {
    }

    /** A started long operation carried by {@code job}: awaiting it follows the job through {@code refresh}. */
    public static <R> Operations.Run<R> run(JobView job, Supplier<JobView> refresh, Class<R> result) {
        return new Operations.Run<>() {
            @Override
            public java.util.Optional<JobView> job() {
                return java.util.Optional.of(job);
            }

            @Override
            public R await(JobProgress progress) throws InterruptedException {
                return JobFollow.await(job, refresh, progress, result);
            }
        };
    }

    public static <R> R await(JobView queued, Supplier<JobView> refresh, JobProgress progress, Class<R> result)
            throws InterruptedException {
        return awaitEnd(queued, refresh, progress).resultAs(result);
    }

    /** The job once it succeeded; its error (code and message) when it failed or was cancelled. */
    public static JobView awaitEnd(JobView queued, Supplier<JobView> refresh, JobProgress progress) throws InterruptedException {
        JobView now = queued;
        long shown = 0;
        while (!now.state().isFinal()) {
            Thread.sleep(POLL);
            now = refresh.get();
            if (now.progress().bytesTotal() > 0) {
                progress.starting(now.progress().bytesTotal());
            }
            long done = now.progress().bytesDone();
            if (done > shown) {
                progress.advance(done - shown);
                shown = done;
            }
        }
        if (now.state() != JobState.succeeded) {
            String code = now.error() != null ? now.error().code() : now.state() == JobState.cancelled ? "Cancelled" : "Internal";
            ErrorCode errorCode;
            try {
                errorCode = ErrorCode.valueOf(code);
            } catch (IllegalArgumentException e) {
                errorCode = ErrorCode.Internal;
            }
            throw new CofferException(errorCode, "job " + now.id() + " " + now.state() + ": "
                    + (now.error() != null ? now.error().message() : now.state()));
        }
        return now;
    }
}

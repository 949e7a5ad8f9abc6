package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call into storage that may not answer, given a bounded wait: it runs on a thread of its own, and when it has not
 * ended within the patience that thread is interrupted (an S3 request in flight is then aborted:
 * docs/design/s3.md, "Cancel and stalls") and the call fails with {@code StorageFailure}. Stateless.
 */
final class Bounded {
    private Bounded() {
    }

    /**
     * The call's result; its own {@link CofferException} or runtime failure as it threw it.
     *
     * @throws CofferException StorageFailure naming {@code what} when it did not end within {@code patience}
     */
    static <T> T call(Callable<T> call, Duration patience, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofPlatform().daemon().name("coffer-bounded-call").unstarted(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        worker.start();
        try {
            return result.get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            worker.interrupt(); // its request is aborted; the thread ends on its own
            throw new CofferException(ErrorCode.StorageFailure, what + " did not answer within "
                    + patience.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.Cancelled, "interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw coffer.engine.error.Errors.classify(e.getCause());
        }
    }
}

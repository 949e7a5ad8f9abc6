package coffer.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a long-running command ({@code coffer server}, {@code coffer agent}) in the foreground until the process is
 * asked to stop (SIGTERM, Ctrl-C): a shutdown hook runs {@code stop} (its running jobs are cancelled and clean up),
 * and {@link #await} returns once it has. Thread-safe.
 */
final class UntilStopped {
    /** How long the main thread, interrupted by the signal, still waits for {@code stop} to finish. */
    private static final long CLEAN_UP_MINUTES = 2;

    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down by the hook once it has stopped the service, or by the failure {@link #awaitUnless} watches. */
    private final CountDownLatch woken = new CountDownLatch(1);

    private UntilStopped() {
    }

    /** Registers the shutdown hook, named {@code hookName}, that runs {@code stop}. */
    static UntilStopped on(Runnable stop, String hookName) {
        UntilStopped holder = new UntilStopped();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            holder.stopped.countDown();
            holder.woken.countDown();
        }, hookName));
        return holder;
    }

    /**
     * Waits until the hook has run {@code stop} (null), or until {@code failure} completes first (its value: the service
     * cannot go on, and the caller stops it; {@code coffer agent} whose token the servers refuse).
     */
    <T> T awaitUnless(java.util.concurrent.CompletableFuture<T> failure) throws InterruptedException {
        failure.whenComplete((value, error) -> woken.countDown());
        try {
            woken.await();
        } catch (InterruptedException signalled) {
            // SIGTERM/Ctrl-C also interrupts the main thread (coffer.app.Main): the hook is stopping the service
            stopped.await(CLEAN_UP_MINUTES, TimeUnit.MINUTES);
            return null;
        }
        return stopped.getCount() == 0 ? null : failure.getNow(null);
    }

    /** Waits until the hook has run {@code stop}. */
    void await() throws InterruptedException {
        try {
            stopped.await();
        } catch (InterruptedException signalled) {
            // SIGTERM/Ctrl-C also interrupts the main thread (coffer.app.Main): the hook is stopping the service
            stopped.await(CLEAN_UP_MINUTES, TimeUnit.MINUTES);
        }
    }
}

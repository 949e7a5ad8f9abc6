package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls into storage that may not answer, each given a bounded wait and keyed by what they look at (a vault's name):
 * a call runs on a daemon thread of its own, named after its key ({@code coffer-storage-look-<key>}); when it has not
 * ended within the patience its thread is interrupted (an S3 request in flight is then aborted: docs/design/s3.md,
 * "Cancel and stalls") and the call fails with {@code StorageFailure}. A call that ignores the interrupt (a read of a
 * hung local file system blocks in the kernel) is left running: it is counted ({@link #leftRunning}, the metric
 * {@code coffer_storage_looks_left_running}) and logged when left and when it ends. At most one call per key runs: a
 * call for a key whose earlier call still runs waits for that one (within its own patience) instead of starting
 * another thread, and fails when it does not end, so repeated looks at a hung vault leave one thread, not one each.
 *
 * <p>Thread-safe.
 */
final class Bounded {
    /** How long an interrupted call may take to end before it counts as left running (an abort takes 0.1 s). */
    private static final Duration INTERRUPT_GRACE = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(Bounded.class);

    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final AtomicInteger leftRunning = new AtomicInteger();

    /** A call started with {@link #start}: await it with {@link #await}. */
    static final class Call<T> {
        private final String key;
        private final String what;
        private final CompletableFuture<T> result;
        private final Thread thread;
        private final Instant started;

        private Call(String key, String what, CompletableFuture<T> result, Thread thread) {
            this.key = key;
            this.what = what;
            this.result = result;
            this.thread = thread;
            this.started = Instant.now();
        }
    }

    /** The call running for a key, and whether a wait for it ran out (it is counted as left running). */
    private static final class Running {
        private final Call<?> call;
        private volatile boolean counted;

        private Running(Call<?> call) {
            this.call = call;
        }
    }

    /** How many calls did not end when interrupted and still run (their threads wait in the storage). */
    int leftRunning() {
        return leftRunning.get();
    }

    /**
     * The call's result; its own {@link CofferException} or runtime failure as it threw it.
     *
     * @throws CofferException StorageFailure naming {@code what} when it did not end within {@code patience}, or when
     *                         an earlier call for {@code key} still runs and did not end within it
     */
    <T> T call(String key, Callable<T> call, Duration patience, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        return await(start(key, call, what, deadline), deadline, patience);
    }

    /**
     * Starts {@code call} for {@code key} (after the earlier call for the key ended, waiting for it until
     * {@code deadline}, a {@link System#nanoTime}); when that earlier call still runs then, a call that
     * {@link #await} fails.
     */
    <T> Call<T> start(String key, Callable<T> call, String what, long deadline) {
        while (true) {
            Running earlier = running.get(key);
            if (earlier != null) {
                try {
                    earlier.call.result.handle((r, e) -> null).get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    return new Call<>(key, what, null, null); // the earlier call still runs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CofferException(ErrorCode.Cancelled, "interrupted while waiting for " + what, e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e); // handled above: completes normally
                }
                running.remove(key, earlier);
                continue;
            }
            CompletableFuture<T> result = new CompletableFuture<>();
            Thread worker = Thread.ofPlatform().daemon().name("coffer-storage-look-" + key).unstarted(() -> {
                try {
                    result.complete(call.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            Call<T> started = new Call<>(key, what, result, worker);
            Running mine = new Running(started);
            if (running.putIfAbsent(key, mine) != null) {
                continue; // another caller started one for the key meanwhile: wait for that one
            }
            result.whenComplete((r, e) -> ended(mine));
            worker.start();
            return started;
        }
    }

    /**
     * The result of {@code call} (from {@link #start}), awaited until
     * {@code deadline} (a {@link System#nanoTime}); {@code patience} is named in the failure.
     */
    <T> T await(Call<T> call, long deadline, Duration patience) {
        if (call.result == null) {
            throw new CofferException(ErrorCode.StorageFailure, call.what + " did not answer within "
                    + patience.toSeconds() + " s: an earlier look at it has not ended yet", null);
        }
        try {
            return call.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.thread.interrupt(); // its request is aborted; the thread ends on its own
            leaveIfStuck(call);
            throw new CofferException(ErrorCode.StorageFailure, call.what + " did not answer within "
                    + patience.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            call.thread.interrupt();
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.Cancelled, "interrupted while waiting for " + call.what, e);
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

    /** Counts and logs an interrupted call that does not end: its thread waits where an interrupt does not reach. */
    private void leaveIfStuck(Call<?> call) {
        try {
            call.thread.join(INTERRUPT_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Running entry = running.get(call.key);
        if (!call.thread.isAlive() || entry == null || entry.call != call) {
            return;
        }
        synchronized (entry) {
            if (entry.counted || call.result.isDone()) {
                return;
            }
            entry.counted = true;
        }
        int now = leftRunning.incrementAndGet();
        LOG.warn("{} did not end when interrupted (its thread {} waits in the storage, e.g. a hung file system); it is"
                + " left running and no other look at it starts until it ends; {} look(s) left running", call.what,
                call.thread.getName(), now);
    }

    private void ended(Running entry) {
        running.remove(entry.call.key, entry);
        boolean wasCounted;
        synchronized (entry) {
            wasCounted = entry.counted;
            entry.counted = false;
        }
        if (wasCounted) {
            int now = leftRunning.decrementAndGet();
            LOG.info("{} left running ended after {} s; {} look(s) left running", entry.call.what,
                    Duration.between(entry.call.started, Instant.now()).toSeconds(), now);
        }
    }
}

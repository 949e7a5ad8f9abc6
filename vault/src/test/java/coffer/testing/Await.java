package coffer.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waiting in tests (docs/reliability.md, "Tests that wait"): a test awaits the condition it needs, never sleeps a
 * fixed time, because the machine may be loaded or much faster than the one the test was written on. Looks at the
 * condition at once, then after pauses that grow from 5 ms to at most 200 ms (or the pause given), and fails with
 * "timed out after LIMIT waiting for: WHAT" once {@code limit} has passed. A condition that throws ends the wait
 * with that failure (an AssertionError naming what was awaited, for a checked exception). Stateless; thread-safe.
 */
public final class Await {
    /** The longest pause between two looks unless a caller asks for shorter ones. */
    public static final Duration LONGEST_PAUSE = Duration.ofMillis(200);
    private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(5).toNanos();

    private Await() {
    }

    /** A condition to look at; it may fail (throw) to end the wait early. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A look for a value: empty while there is none yet. */
    @FunctionalInterface
    public interface Probe<T> {
        Optional<T> look() throws Exception;
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code limit}. */
    public static void until(Condition condition, Duration limit, String what) throws InterruptedException {
        until(condition, limit, LONGEST_PAUSE, () -> what);
    }

    /** The same, {@code what} made when the wait fails (it may show the state last seen). */
    public static void until(Condition condition, Duration limit, Supplier<String> what) throws InterruptedException {
        until(condition, limit, LONGEST_PAUSE, what);
    }

    /**
     * The same, pausing at most {@code longestPause} between looks: for a state that lasts a short time (a job caught
     * while it runs).
     */
    public static void until(Condition condition, Duration limit, Duration longestPause, Supplier<String> what)
            throws InterruptedException {
        value(() -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty(), limit, longestPause, what);
    }

    /** The first value {@code probe} finds; fails naming {@code what} after {@code limit}. */
    public static <T> T value(Probe<T> probe, Duration limit, String what) throws InterruptedException {
        return value(probe, limit, LONGEST_PAUSE, () -> what);
    }

    /** The same, {@code what} made when the wait fails. */
    public static <T> T value(Probe<T> probe, Duration limit, Supplier<String> what) throws InterruptedException {
        return value(probe, limit, LONGEST_PAUSE, what);
    }

    /** The same, pausing at most {@code longestPause} between looks. */
    public static <T> T value(Probe<T> probe, Duration limit, Duration longestPause, Supplier<String> what)
            throws InterruptedException {
        long start = System.nanoTime();
        long pause = Math.min(FIRST_PAUSE_NANOS, longestPause.toNanos());
        while (true) {
            Optional<T> found = look(probe, what);
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() - start > limit.toNanos()) {
                throw new AssertionError("timed out after " + limit + " waiting for: " + what.get());
            }
            Thread.sleep(Duration.ofNanos(pause));
            pause = Math.min(2 * pause, longestPause.toNanos());
        }
    }

    private static <T> Optional<T> look(Probe<T> probe, Supplier<String> what) throws InterruptedException {
        try {
            return probe.look();
        } catch (RuntimeException | Error | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("while waiting for: " + what.get() + ": " + e, e);
        }
    }
}

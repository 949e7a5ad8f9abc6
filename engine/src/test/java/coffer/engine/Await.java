package coffer.engine;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Test helper: waits for a condition by looking at it every 20 ms, and fails naming what it waited for once the time
 * allowed has passed (tests await conditions, never sleep a fixed time: the machine may be loaded). Stateless;
 * thread-safe.
 */
public final class Await {
    private Await() {
    }

    /**
     * Returns once {@code condition} holds; an AssertionError "timed out waiting for: " {@code what} (made then) after
     * {@code limit}.
     */
    public static void until(BooleanSupplier condition, Duration limit, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}

package coffer.testing;

import java.security.SecureRandom;

/**
 * Seeds for randomized tests: {@code -Dcoffer.test.seed=N} replays a run, otherwise each call draws a fresh
 * seed. Every seed is printed with what it drives, and tests put it into their failure messages, so a
 * failure seen once can be replayed.
 *
 * <p>Stateless; thread-safe.
 */
public final class TestSeed {
    public static final String PROPERTY = "coffer.test.seed";
    private static final SecureRandom FRESH = new SecureRandom();

    private TestSeed() {
    }

    /** A seed for {@code what}, printed with the flag that replays it. */
    public static long of(String what) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed == null || fixed.isBlank() ? FRESH.nextLong() : Long.parseLong(fixed.trim());
        System.out.println("[seed] " + what + ": " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
        return seed;
    }
}

package coffer.engine.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Spreads plans that share a start time over a window, so that a hundred plans created with the same
 * policy do not all start in the same second. A plan's offset is a pure function of its id: the first
 * eight bytes of SHA-256(UTF-8 plan id), unsigned, modulo the window in whole seconds. The same id always
 * gets the same offset (across restarts, hosts and JDKs); different ids spread uniformly.
 *
 * <p>The window is capped at a quarter of the interval, so a staggered run never drifts into the next
 * slot's neighbourhood (an hourly plan with a 30-minute window is spread over 15 minutes). The scheduler
 * uses {@code schedule.shiftedBy(stagger.offset(planId, schedule.interval()))} for every computation
 * (next run, catch-up); the policy's own schedule, as shown, is unshifted. Immutable, thread-safe.
 */
public record Stagger(Duration window) {
    /** Coffer's default: up to 10 minutes. */
    public static final Stagger DEFAULT = new Stagger(Duration.ofMinutes(10));
    /** No spreading (tests, single plans). */
    public static final Stagger NONE = new Stagger(Duration.ZERO);

    public Stagger {
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("stagger window must be zero or positive: " + window);
        }
    }

    /** The offset of {@code planId}'s runs: whole seconds in {@code [0, min(window, interval / 4))}. */
    public Duration offset(String planId, Interval interval) {
        long seconds = Math.min(window.getSeconds(), interval.nominal().getSeconds() / 4);
        if (seconds <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Long.remainderUnsigned(hash(planId), seconds));
    }

    private static long hash(String planId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(planId.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (digest[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}

package coffer.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A test hook, for the test suite's wall time only (docs/performance.md, session 23): a server's fixed periods that a
 * test would otherwise sit out, shortened for the server a test starts. Set by the system property
 * {@value #PROPERTY} (a server in the test's own JVM) or the environment variable {@value #VARIABLE} (a server or
 * agent process), as {@code name=seconds} pairs separated by commas, e.g. {@code tick=2,exportSweep=1}. The names:
 * {@value #TICK} (the scheduler's tick and the lost-point sweep, 30 s), {@value #EXPORT_SWEEP} (the sweep of expired
 * exports, 30 s), {@value #HEARTBEAT} and {@value #STALE} (an agent's heartbeat and the stale limit the server
 * welcomes it with, 5 s and 30 s). Unset (always, outside such tests) each period is its default. Read when a server
 * starts, not cached; stateless and thread-safe.
 */
public final class TestPeriods {
    public static final String PROPERTY = "coffer.test.periods";
    public static final String VARIABLE = "COFFER_TEST_PERIODS";
    public static final String TICK = "tick";
    public static final String EXPORT_SWEEP = "exportSweep";
    public static final String HEARTBEAT = "heartbeat";
    public static final String STALE = "stale";

    private TestPeriods() {
    }

    /** The period {@code name}: the test hook's, or {@code otherwise}. A malformed hook is an error, not ignored. */
    public static Duration of(String name, Duration otherwise) {
        String hook = System.getProperty(PROPERTY, System.getenv(VARIABLE));
        if (hook == null || hook.isBlank()) {
            return otherwise;
        }
        Map<String, Duration> periods = new HashMap<>();
        for (String pair : hook.split(",")) {
            String[] parts = pair.strip().split("=", 2);
            if (parts.length != 2 || !parts[1].strip().matches("[1-9][0-9]{0,5}")) {
                throw new IllegalStateException("test hook " + VARIABLE + ": '" + pair + "' is not name=seconds (a positive"
                        + " whole number of seconds)");
            }
            periods.put(parts[0].strip(), Duration.ofSeconds(Long.parseLong(parts[1].strip())));
        }
        return periods.getOrDefault(name, otherwise);
    }
}

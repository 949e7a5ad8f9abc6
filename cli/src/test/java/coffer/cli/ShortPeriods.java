package coffer.cli;

import coffer.engine.TestPeriods;

import java.util.Map;

/**
 * The test hook {@link TestPeriods} for the servers a test starts: periods it would otherwise sit out (the scheduler's
 * tick, the export sweep, an agent's stale limit) shortened, as {@code name=seconds} pairs.
 */
final class ShortPeriods {
    private ShortPeriods() {
    }

    /** Something that starts a server in this JVM. */
    interface Start<T> {
        T start() throws Exception;
    }

    /** What {@code start} started (a server in this JVM, which reads the periods as it starts) with {@code periods}. */
    static <T> T started(String periods, Start<T> start) throws Exception {
        String before = System.getProperty(TestPeriods.PROPERTY);
        System.setProperty(TestPeriods.PROPERTY, periods);
        try {
            return start.start();
        } finally {
            if (before == null) {
                System.clearProperty(TestPeriods.PROPERTY);
            } else {
                System.setProperty(TestPeriods.PROPERTY, before);
            }
        }
    }

    /** The environment of a server or agent process with {@code periods}. */
    static Map<String, String> environment(String periods) {
        return Map.of(TestPeriods.VARIABLE, periods);
    }
}

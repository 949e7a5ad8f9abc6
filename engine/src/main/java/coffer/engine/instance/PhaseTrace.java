package coffer.engine.instance;

/**
 * Phase timings of a backup on stderr when {@code COFFER_TRACE} is set: for measuring where a run spends
 * its time (docs/performance.md). Silent otherwise. Thread-safe.
 */
final class PhaseTrace {
    private static final boolean ON = System.getenv("COFFER_TRACE") != null;
    private final long start = System.nanoTime();

    void mark(String phase) {
        if (ON) {
            System.err.printf("trace %7.3f s  %s%n", (System.nanoTime() - start) / 1e9, phase);
        }
    }
}

package coffer.engine.instance;

/**
 * Phase timings of a backup on stderr when {@code COFFER_TRACE} is set: for measuring where a run spends
 * its time (docs/performance.md). Times count from the first trace made in the process. Silent otherwise.
 * Thread-safe.
 */
final class PhaseTrace {
    private static final boolean ON = System.getenv("COFFER_TRACE") != null;
    /** One origin for every trace in the process, so the marks of all phases read on one clock. */
    private static final long START = System.nanoTime();

    void mark(String phase) {
        if (ON) {
            System.err.printf("trace %7.3f s  %s%n", (System.nanoTime() - START) / 1e9, phase);
        }
    }
}

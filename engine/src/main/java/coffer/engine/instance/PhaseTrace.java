package coffer.engine.instance;

/**
 * Phase timings of a backup on stderr when {@code COFFER_TRACE} is set: for measuring where a run spends
 * its time (docs/performance.md). Times count from the JVM's start, so that the marks of a command-line run
 * include its start-up and every phase of one process reads on one clock. Silent otherwise. Thread-safe.
 */
public final class PhaseTrace {
    private static final boolean ON = System.getenv("COFFER_TRACE") != null;
    /** The JVM's start on {@link System#nanoTime}'s clock (the management classes load only when tracing). */
    private static final long START = ON
            ? System.nanoTime() - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000
            : 0;

    public void mark(String phase) {
        if (ON) {
            System.err.printf("trace %7.3f s  %s [%s]%n", (System.nanoTime() - START) / 1e9, phase,
                    Thread.currentThread().getName());
        }
    }
}

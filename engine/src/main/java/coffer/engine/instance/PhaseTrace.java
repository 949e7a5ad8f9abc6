package coffer.engine.instance;

/**
 * Phase timings of a backup on stderr when {@code COFFER_TRACE} is set: for measuring where a run spends
 * its time (docs/performance.md). Times count from the JVM's start, so that the marks of a command-line run
 * include its start-up and every phase of one process reads on one clock. Silent otherwise. Thread-safe.
 */
public final class PhaseTrace {
    private static final boolean ON = System.getenv("COFFER_TRACE") != null;
    /** The JVM's start on {@link System#nanoTime}'s clock. */
    private static final long START = ON ? System.nanoTime() - processAgeNanos() : 0;

    /**
     * How long ago this process started, from the kernel ({@code /proc/self/stat}'s start time against
     * {@code /proc/uptime}, both to 10 ms): the JVM's management classes answer to the millisecond but cost ~18 ms
     * of start-up to load, which the traced run would then measure (docs/performance.md, session 14). Zero where
     * the kernel does not say.
     */
    static long processAgeNanos() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            // the fields after the command's name, which may hold spaces, begin after its closing parenthesis;
            // field 22 (starttime, clock ticks since boot) is the 20th of them
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]);
            String uptime = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
            double up = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            long ageNanos = (long) (up * 1e9) - startTicks * 10_000_000L; // USER_HZ is 100 on Linux
            return Math.max(0, ageNanos);
        } catch (java.io.IOException | RuntimeException notLinux) {
            return 0;
        }
    }

    public void mark(String phase) {
        if (ON) {
            System.err.printf("trace %7.3f s  %s [%s]%n", (System.nanoTime() - START) / 1e9, phase,
                    Thread.currentThread().getName());
        }
    }
}

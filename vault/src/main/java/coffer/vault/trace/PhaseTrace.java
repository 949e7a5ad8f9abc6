package coffer.vault.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Coffer's one trace: when {@code COFFER_TRACE} is set, timings on stderr for measuring where a run spends its time
 * (docs/performance.md), from every layer alike (a backup's phases, a disk writer's stages, a commit's barriers). The
 * only reader of that variable and the only printer of trace lines, each one line in one format:
 * {@code trace <seconds> s  <what> [<thread>]}, the seconds counted from the JVM's start, so that the marks of a
 * command-line run include its start-up and every line of one process reads on one clock. Silent otherwise. Thread-safe.
 */
public final class PhaseTrace {
    /** Where trace lines go: stderr when {@code COFFER_TRACE} is set, nowhere (null) otherwise; see {@link #printTo}. */
    private static volatile Consumer<String> out = System.getenv("COFFER_TRACE") != null
            ? line -> System.err.println(line) : null;

    /** Whether trace lines are printed: to skip the work of measuring what nobody reads. */
    public static boolean on() {
        return out != null;
    }

    /**
     * Turns tracing on, with each line given to {@code lines}, or off ({@code null}) until the answer is closed, which
     * turns it back as it was: for tests that look at what a traced run prints, or that nothing prints untraced.
     * Process-wide: the lines of every thread go there meanwhile.
     */
    public static Printing printTo(Consumer<String> lines) {
        Consumer<String> before = out;
        out = lines;
        return () -> out = before;
    }

    /** The way back from {@link #printTo}. */
    @FunctionalInterface
    public interface Printing extends AutoCloseable {
        @Override
        void close();
    }

    /** A line for {@code phase}: the time now and the thread that reached it. */
    public void mark(String phase) {
        Consumer<String> lines = out;
        if (lines != null) {
            lines.accept(String.format(Locale.ROOT, "trace %7.3f s  %s [%s]", (System.nanoTime() - Clock.START) / 1e9,
                    phase, Thread.currentThread().getName()));
        }
    }

    /** The JVM's start on {@link System#nanoTime}'s clock, read at the first line (never when untraced). */
    private static final class Clock {
        static final long START = System.nanoTime() - processAgeNanos();
    }

    /**
     * How long ago this process started, from the kernel ({@code /proc/self/stat}'s start time against
     * {@code /proc/uptime}, both to 10 ms): the JVM's management classes answer to the millisecond but cost ~18 ms
     * of start-up to load, which the traced run would then measure (docs/performance.md, session 14). Zero where
     * the kernel does not say.
     */
    static long processAgeNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the fields after the command's name, which may hold spaces, begin after its closing parenthesis;
            // field 22 (starttime, clock ticks since boot) is the 20th of them
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]);
            String uptime = Files.readString(Path.of("/proc/uptime"));
            double up = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            long ageNanos = (long) (up * 1e9) - startTicks * 10_000_000L; // USER_HZ is 100 on Linux
            return Math.max(0, ageNanos);
        } catch (IOException | RuntimeException notLinux) {
            return 0;
        }
    }
}

package coffer.cli;

import coffer.engine.JobProgress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress display on stderr: bytes done/total, rate, ETA. Redrawn at most five times a second,
 * only on a terminal (no noise in logs or pipes). The operation's step lines ({@link #note}) are printed on stderr
 * whenever the bar is asked for (not with {@code --output json}), terminal or not. Thread-safe: workers call {@link #advance}.
 */
final class ProgressBar implements JobProgress, AutoCloseable {
    private final PrintStream err;
    private final boolean enabled;
    private final boolean lines;
    private final String label;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile long lastDraw;
    private final long start = System.nanoTime();

    ProgressBar(PrintStream err, boolean enabled, String label) {
        this.err = err;
        this.enabled = enabled && System.console() != null;
        this.lines = enabled;
        this.label = label;
    }

    @Override
    public void starting(long totalBytes) {
        total = totalBytes;
    }

    @Override
    public void advance(long bytes) {
        long now = System.nanoTime();
        long value = done.addAndGet(bytes);
        if (enabled && now - lastDraw > 200_000_000L) {
            synchronized (this) {
                if (now - lastDraw > 200_000_000L) {
                    lastDraw = now;
                    draw(value, now);
                }
            }
        }
    }

    /** A step's line on stderr (not with --output json), the bar redrawn under it on a terminal. */
    @Override
    public void note(String line) {
        if (!lines) {
            return;
        }
        synchronized (this) {
            err.print(enabled ? "\r\033[K" + label + ": " + line + System.lineSeparator() : label + ": " + line + System.lineSeparator());
            if (enabled) {
                draw(done.get(), System.nanoTime());
            }
            err.flush();
        }
    }

    long done() {
        return done.get();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    double rateMBps() {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return done.get() / 1e6 / seconds;
    }

    private void draw(long value, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = value / seconds;
        long eta = rate > 0 && total > value ? (long) ((total - value) / rate) : 0;
        int width = 30;
        int filled = total > 0 ? (int) Math.min(width, value * width / total) : 0;
        err.printf(Locale.ROOT, "\r%s [%s%s] %s / %s  %.0f MB/s  ETA %d:%02d   ", label, "#".repeat(filled),
                " ".repeat(width - filled), Output.bytes(value), Output.bytes(total), rate / 1e6, eta / 60, eta % 60);
        err.flush();
    }

    @Override
    public void close() {
        if (enabled) {
            draw(done.get(), System.nanoTime());
            err.println();
        }
    }
}

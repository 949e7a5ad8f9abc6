package coffer.vault.write;

import coffer.vault.trace.PhaseTrace;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where one disk's chunk workers spend their time, per stage, summed over the workers (thread time, waits included),
 * with how often each stage ran: for {@code COFFER_TRACE} (docs/performance.md), whose {@link PhaseTrace} then prints it
 * when the disk is written. Costs two {@link System#nanoTime} calls per stage when traced, nothing otherwise.
 *
 * <p>Thread-safe.
 */
final class WriteStages {
    /** The stages of {@link DiskWriter}'s pipeline that may wait or compute. */
    enum Stage {
        /** the source's data extents looked up (block status, a window at a time) */
        EXTENTS,
        /** the chunk's (or patch's) bytes read from the source */
        READ,
        /** the chunk's id computed */
        DIGEST,
        /** the backend asked whether the chunk exists */
        EXISTS,
        /** compressed and encrypted */
        SEAL,
        /** written and published */
        PUT
    }

    private final boolean on;
    private final AtomicLongArray nanos = new AtomicLongArray(Stage.values().length);
    private final AtomicLongArray counts = new AtomicLongArray(Stage.values().length);

    WriteStages(boolean on) {
        this.on = on;
    }

    /** The start of a stage, for {@link #add}. */
    long start() {
        return on ? System.nanoTime() : 0;
    }

    void add(Stage stage, long start) {
        if (on) {
            nanos.addAndGet(stage.ordinal(), System.nanoTime() - start);
            counts.incrementAndGet(stage.ordinal());
        }
    }

    /** The thread time spent in {@code stage} so far. */
    long nanos(Stage stage) {
        return nanos.get(stage.ordinal());
    }

    /** How often {@code stage} ran so far. */
    long count(Stage stage) {
        return counts.get(stage.ordinal());
    }

    /** One line: each stage's thread time in seconds and its count, e.g. {@code read 1.234 s/392}. */
    String summary() {
        StringBuilder line = new StringBuilder();
        for (Stage stage : Stage.values()) {
            if (!line.isEmpty()) {
                line.append(", ");
            }
            line.append(String.format(Locale.ROOT, "%s %.3f s/%d", stage.name().toLowerCase(Locale.ROOT),
                    nanos(stage) / 1e9, count(stage)));
        }
        return line.toString();
    }
}

package coffer.engine;

import java.util.concurrent.atomic.AtomicLong;

/** A {@link JobProgress} that counts: the total announced (-1 until one is) and the bytes advanced. Thread-safe. */
public final class CountedProgress implements JobProgress {
    private final AtomicLong total = new AtomicLong(-1);
    private final AtomicLong done = new AtomicLong();

    @Override
    public void starting(long totalBytes) {
        total.set(totalBytes);
    }

    @Override
    public void advance(long bytes) {
        done.addAndGet(bytes);
    }

    /** The total last announced; -1 for none. */
    public long total() {
        return total.get();
    }

    /** The bytes advanced so far. */
    public long done() {
        return done.get();
    }
}

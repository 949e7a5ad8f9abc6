package coffer.engine.instance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.io.ForwardingBlockSource;
import coffer.virt.domain.DiskSpec;
import coffer.virt.image.PageCacheRelease;

/**
 * A running domain's disk read over its pull-mode export, with the disk file's pages released from the host's page
 * cache behind the reads: at most every {@link #PACE_NANOS}, the guest ranges read that lie {@link #LAG} below every
 * read still in flight are released (never a range not read: an incremental leaves the guest's other cached pages
 * alone), mapped to the file's own ranges (docs/performance.md, "Session 23").
 * Read-ahead above the reads stays cached. A domain whose disks use QEMU's default cache mode reads them through the
 * host's page cache; on a host that hands free memory back to its hypervisor (free page reporting, a few seconds
 * after pages are freed) every page taken afresh costs a fault, where pages freed a moment ago are reused cheaply.
 *
 * <p>The file released is the disk's {@code <source file>} from the domain definition libvirt gives, in the
 * definition's format (raw or qcow2), opened alone (backing files are left alone); other disks are read as they are.
 * {@code COFFER_DISK_CACHE=keep} (or the system property {@code coffer.diskCache}) turns it off.
 *
 * <p>Thread-safe as the wrapped source is. {@link #close} releases the rest of what was read and closes the file; the wrapped
 * source stays its opener's to close (this class's {@code close} does not forward).
 */
final class CacheReleasingSource extends ForwardingBlockSource {
    static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * Guest bytes kept cached below the lowest read in flight: a chunk worker may still be about to read a range
     * below it (several workers take the chunks in turn).
     */
    static final long LAG = 8L << 20;

    private final PageCacheRelease cache;
    private final LongSupplier clock;
    private final ReentrantLock releasing = new ReentrantLock();
    /** Offsets of reads in flight, with their count. */
    private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
    /** Guest ranges read and not released yet, start to end, merged; guarded by {@link #inFlight}. */
    private final TreeMap<Long, Long> done = new TreeMap<>();
    private long readTo;
    private long released;
    private long releasedAt;

    CacheReleasingSource(BlockSource source, PageCacheRelease cache, LongSupplier clock) {
        super(source);
        this.cache = cache;
        this.clock = clock;
        this.releasedAt = clock.getAsLong();
    }

    /** Whether backups release their disks' pages ({@code COFFER_DISK_CACHE} other than {@code keep}). */
    static boolean enabled() {
        return !"keep".equals(System.getProperty("coffer.diskCache", System.getenv("COFFER_DISK_CACHE")));
    }

    /**
     * {@code source} read with {@code disk}'s file released behind it, or {@code source} itself when turned off, the
     * disk is no file in raw or qcow2, or the file cannot be opened. Close what this returns.
     */
    static BlockSource around(BlockSource source, DiskSpec disk) {
        if (!enabled() || !"file".equals(disk.type()) || disk.source() == null || disk.source().isBlank()) {
            return source;
        }
        return PageCacheRelease.open(Path.of(disk.source()), disk.formatOrRaw())
                .<BlockSource>map(cache -> new CacheReleasingSource(source, cache, System::nanoTime)).orElse(source);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long end = offset + dst.remaining();
        synchronized (inFlight) {
            inFlight.merge(offset, 1, Integer::sum);
        }
        try {
            super.read(offset, dst);
        } finally {
            synchronized (inFlight) {
                inFlight.compute(offset, (k, n) -> n == 1 ? null : n - 1);
                readTo = Math.max(readTo, end);
                add(offset, end);
            }
        }
        if (clock.getAsLong() - releasedAt < PACE_NANOS || !releasing.tryLock()) {
            return;
        }
        try {
            List<Extent> due;
            synchronized (inFlight) {
                long below = (inFlight.isEmpty() ? readTo : Math.min(readTo, inFlight.firstKey())) - LAG;
                due = take(below);
            }
            release(due);
            releasedAt = clock.getAsLong();
        } finally {
            releasing.unlock();
        }
    }

    /** Notes {@code [start, end)} as read, merged with the ranges it touches. Holds {@link #inFlight}'s lock. */
    private void add(long start, long end) {
        var before = done.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        for (var next = done.ceilingEntry(start); next != null && next.getKey() <= end; next = done.ceilingEntry(start)) {
            end = Math.max(end, next.getValue());
            done.remove(next.getKey());
        }
        done.put(start, end);
    }

    /** Removes and returns the parts of the read ranges below {@code below}. Holds {@link #inFlight}'s lock. */
    private List<Extent> take(long below) {
        List<Extent> due = new ArrayList<>();
        for (var first = done.firstEntry(); first != null && first.getKey() < below; first = done.firstEntry()) {
            done.remove(first.getKey());
            long stop = Math.min(first.getValue(), below);
            due.add(new Extent(first.getKey(), stop - first.getKey()));
            if (first.getValue() > stop) {
                done.put(stop, first.getValue());
            }
        }
        return due;
    }

    private void release(List<Extent> due) {
        for (Extent extent : due) {
            released += cache.release(extent.offset(), extent.end());
        }
    }

    /** Guest bytes released so far (for tests). */
    long released() {
        releasing.lock();
        try {
            return released;
        } finally {
            releasing.unlock();
        }
    }

    @Override
    public void close() {
        releasing.lock();
        try {
            List<Extent> due;
            synchronized (inFlight) {
                due = take(Long.MAX_VALUE);
            }
            release(due);
        } finally {
            releasing.unlock();
            cache.close();
        }
    }

    @Override
    public String toString() {
        return source() + " (" + cache + ")";
    }
}

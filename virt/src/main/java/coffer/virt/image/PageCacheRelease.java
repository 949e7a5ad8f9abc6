package coffer.virt.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A disk image file whose clean pages in the host's page cache are given back to the kernel on request
 * ({@code posix_fadvise(POSIX_FADV_DONTNEED)} over the host ranges of a guest range), through one read-only
 * descriptor held from {@link #open} to {@link #close}. An instance backup uses it on a running domain's disk files
 * behind the domain QEMU's reads (docs/performance.md, "Session 23").
 *
 * <p>Best effort throughout: a file that cannot be opened or mapped gives no instance, a failed advice is ignored;
 * nothing is written to the file, only clean pages are dropped (the kernel keeps dirty ones).
 *
 * <p>Thread-safe: {@link #release} may be called from several threads, and after {@link #close} does nothing.
 */
public final class PageCacheRelease implements AutoCloseable {
    /**
     * The most extents of a qcow2's mapping held at once (24 bytes each): a disk whose file holds its data in more
     * pieces is mapped a part at a time, each part read once, so that a huge fragmented disk's mapping stays bounded.
     */
    static final int MAX_EXTENTS = 1 << 15;
    /** The page cache's largest folio (a PMD's 2 MiB on x86-64 and 4 KiB-page arm64). */
    static final long LARGEST_FOLIO = 2L << 20;

    private final Path file;
    private final String format;
    private final int maxExtents;
    private int fd;
    /** The part of the mapping last read, or null before the first release. */
    private HostMap mapped;
    private int maps;
    /**
     * The run of host bytes released last, one range after the other: a range that goes on from it is advised from
     * the largest folio's boundary below its start, inside the run, so that a large folio the two ranges share (the
     * kernel drops only folios a range covers whole) goes too.
     */
    private long runStart = -1;
    private long runEnd = -1;

    private PageCacheRelease(Path file, String format, int fd, int maxExtents) {
        this.file = file;
        this.format = format;
        this.fd = fd;
        this.maxExtents = maxExtents;
        this.mapped = "raw".equals(format) ? HostMap.identity() : null;
    }

    /**
     * {@code file}, an image in {@code format} (raw or qcow2; the domain definition's), opened read-only; empty when
     * it is in another format or cannot be opened.
     */
    public static Optional<PageCacheRelease> open(Path file, String format) {
        return open(file, format, MAX_EXTENTS);
    }

    /** {@link #open(Path, String)} holding at most {@code maxExtents} extents of the mapping at once (for tests). */
    static Optional<PageCacheRelease> open(Path file, String format, int maxExtents) {
        if (!"raw".equals(format) && !"qcow2".equals(format)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PageCacheRelease(file, format, Libc.open(file, Libc.O_RDONLY), maxExtents));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The file, as given to {@link #open}. */
    public Path file() {
        return file;
    }

    /**
     * Drops the cached pages of the guest range {@code [from, to)} held in this file (a raw file's same range; a
     * qcow2's clusters as its mapping gives them: read once from the first range released to the disk's end, again
     * only for a range below it or, for a mapping above {@link #MAX_EXTENTS} extents, beyond the part read). Returns
     * the host bytes advised; 0 when closed or the mapping could not be read.
     */
    public synchronized long release(long from, long to) {
        long advised = 0;
        long at = from;
        while (fd >= 0 && at < to) {
            if ((mapped == null || !mapped.covers(at)) && !map(at)) {
                return advised;
            }
            long stop = Math.min(to, mapped.to());
            advised += mapped.forEach(at, stop, this::drop);
            at = stop;
        }
        return advised;
    }

    /** Drops the host range {@code [offset, offset + length)}, and the part of a large folio it shares with the run. */
    private boolean drop(long offset, long length) {
        long start = offset;
        if (offset == runEnd) {
            start = Math.max(runStart, offset - offset % LARGEST_FOLIO);
        } else {
            runStart = offset;
        }
        runEnd = offset + length;
        return Libc.dropCachedPages(fd, start, offset + length - start) == 0;
    }

    private boolean map(long at) {
        try {
            maps++;
            mapped = QemuImg.mapFrom(file, format, at, maxExtents);
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    /** How many times the mapping was read (for tests). */
    synchronized int maps() {
        return maps;
    }

    /** Closes the descriptor; idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "page cache of " + file;
    }
}

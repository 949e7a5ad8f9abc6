package coffer.virt.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
    /** Guest bytes mapped to host ranges with one {@code qemu-img map}. */
    static final long MAP_WINDOW = 1L << 30;

    private final Path file;
    private final String format;
    private int fd;
    private long mappedTo;
    private List<HostExtent> mapped = List.of();

    private PageCacheRelease(Path file, String format, int fd) {
        this.file = file;
        this.format = format;
        this.fd = fd;
    }

    /**
     * {@code file}, an image in {@code format} (raw or qcow2; the domain definition's), opened read-only; empty when
     * it is in another format or cannot be opened.
     */
    public static Optional<PageCacheRelease> open(Path file, String format) {
        if (!"raw".equals(format) && !"qcow2".equals(format)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PageCacheRelease(file, format, Libc.open(file, Libc.O_RDONLY)));
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
     * qcow2's clusters as its mapping gives them, read a window at a time). Returns the host bytes advised; 0 when
     * closed or the mapping could not be read.
     */
    public synchronized long release(long from, long to) {
        long advised = 0;
        long at = from;
        while (fd >= 0 && at < to) {
            if (at >= mappedTo || at < mappedTo - MAP_WINDOW) {
                if (!map(at)) {
                    return advised;
                }
            }
            long stop = Math.min(to, mappedTo);
            for (HostExtent extent : mapped) {
                long start = Math.max(at, extent.start());
                long end = Math.min(stop, extent.end());
                if (end > start && Libc.dropCachedPages(fd, extent.offset() + start - extent.start(), end - start) == 0) {
                    advised += end - start;
                }
            }
            at = stop;
        }
        return advised;
    }

    private boolean map(long at) {
        long start = at - at % MAP_WINDOW;
        if ("raw".equals(format)) {
            mapped = List.of(new HostExtent(start, MAP_WINDOW, start));
        } else {
            try {
                mapped = QemuImg.map(file, format, start, MAP_WINDOW);
            } catch (IOException e) {
                close();
                return false;
            }
        }
        mappedTo = start + MAP_WINDOW;
        return true;
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

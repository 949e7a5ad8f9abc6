package coffer.virt.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file whose clean pages in the host's page cache are given back to the kernel on request
 * ({@code posix_fadvise(POSIX_FADV_DONTNEED)} over the whole file), through one read-only descriptor held from
 * {@link #open} to {@link #close}. An instance backup uses it on a running domain's disk files behind the domain
 * QEMU's reads, so that the kernel reuses the pages it just freed instead of taking fresh memory for every page read
 * (docs/design/backup-flow.md, "The domain's disks in the host's page cache").
 *
 * <p>Best effort throughout: a file that cannot be opened gives no instance, a failed advice is ignored; nothing
 * written to the file, only clean pages are dropped (the kernel starts write-back of dirty ones and keeps them).
 *
 * <p>Thread-safe: {@link #release} may be called from several threads, and after {@link #close} does nothing.
 */
public final class PageCacheRelease implements AutoCloseable {
    private final Path file;
    private int fd;

    private PageCacheRelease(Path file, int fd) {
        this.file = file;
        this.fd = fd;
    }

    /** {@code file} opened read-only; empty when it cannot be opened (then there is nothing to release). */
    public static Optional<PageCacheRelease> open(Path file) {
        try {
            return Optional.of(new PageCacheRelease(file, Libc.open(file, Libc.O_RDONLY)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The file, as given to {@link #open}. */
    public Path file() {
        return file;
    }

    /** Drops the file's clean pages from the page cache; whether the kernel took the advice. */
    public synchronized boolean release() {
        return fd >= 0 && Libc.dropCachedPages(fd) == 0;
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

package coffer.engine.instance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.virt.domain.DiskSpec;
import coffer.virt.image.PageCacheRelease;

/**
 * A running domain's disk read over its pull-mode export, with the disk's file released from the host's page cache
 * behind the reads: after every {@link #INTERVAL} bytes read (all connections together) and once at the end
 * (docs/design/backup-flow.md, "The domain's disks in the host's page cache"). A domain whose disks use QEMU's
 * default cache mode reads them through the host's page cache; dropping what was read lets the kernel reuse those
 * pages for the next reads, where on a host that hands free memory back (a VM with free page reporting) every page
 * taken afresh costs QEMU a fault (docs/performance.md, "Session 22").
 *
 * <p>The file released is the disk's {@code <source file>} from the domain definition libvirt gives (a host path
 * its administrator set), never one read from an image's header (backing files are left alone); block devices and
 * other source types are left alone. {@code COFFER_DISK_CACHE=keep} (or the system property {@code coffer.diskCache})
 * turns it off.
 *
 * <p>Thread-safe as the wrapped source is. {@link #close} releases a last time and closes the file; the wrapped
 * source stays its opener's to close.
 */
final class CacheReleasingSource implements BlockSource {
    /** Bytes read between two releases. */
    static final long INTERVAL = 128L << 20;

    private final BlockSource source;
    private final PageCacheRelease cache;
    private final AtomicLong read = new AtomicLong();

    private CacheReleasingSource(BlockSource source, PageCacheRelease cache) {
        this.source = source;
        this.cache = cache;
    }

    /** Whether backups release their disks' pages ({@code COFFER_DISK_CACHE} other than {@code keep}). */
    static boolean enabled() {
        return !"keep".equals(System.getProperty("coffer.diskCache", System.getenv("COFFER_DISK_CACHE")));
    }

    /** The host file whose page cache reading {@code disk} may release: a file disk's source; empty otherwise. */
    static Optional<Path> fileOf(DiskSpec disk) {
        return "file".equals(disk.type()) && disk.source() != null && !disk.source().isBlank()
                ? Optional.of(Path.of(disk.source())) : Optional.empty();
    }

    /**
     * {@code source} read with {@code disk}'s file released behind it, or {@code source} itself when turned off, the
     * disk has no file or the file cannot be opened. Close what this returns (closing {@code source} too is fine).
     */
    static BlockSource around(BlockSource source, DiskSpec disk) {
        if (!enabled()) {
            return source;
        }
        return fileOf(disk).flatMap(PageCacheRelease::open)
                .<BlockSource>map(cache -> new CacheReleasingSource(source, cache)).orElse(source);
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) throws IOException {
        return source.dataExtents(offset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long length = dst.remaining();
        source.read(offset, dst);
        long after = read.addAndGet(length);
        if ((after - length) / INTERVAL != after / INTERVAL) {
            cache.release();
        }
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public void close() {
        cache.release();
        cache.close();
    }

    @Override
    public String toString() {
        return source + " (" + cache + ")";
    }
}

package coffer.vault.read;

import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One disk of a point read on demand, as a {@link BlockSource}: what an NBD export of a point serves. A read
 * fetches only the chunks it touches, through a {@link ChunkCache}, each authenticated as a restore
 * authenticates it (a patch entry: its base with the patch applied). Zero chunks are holes: they are never
 * fetched, and {@link #dataExtents} leaves them out, so a client asking for allocation skips them.
 *
 * <p>Damage (a missing, altered or undecryptable chunk) fails the read with a {@link CorruptDataException}
 * naming the vault object and the point, disk and byte range: never zeros or stale bytes in its place.
 *
 * <p>Thread-safe: the index is read once and never changed; reads run concurrently.
 */
public final class PointDiskSource implements BlockSource {
    private static final byte[] ZEROS = new byte[64 << 10];
    private final Vault vault;
    private final PointManifest point;
    private final PointManifest.Disk disk;
    private final FixedIndex index;
    private final ChunkCache cache;

    private PointDiskSource(Vault vault, PointManifest point, PointManifest.Disk disk, FixedIndex index, ChunkCache cache) {
        this.vault = vault;
        this.point = point;
        this.disk = disk;
        this.index = index;
        this.cache = cache;
    }

    /** Reads the disk's index (checked against the manifest) and serves the disk through {@code cache}. */
    public static PointDiskSource open(Vault vault, PointManifest point, PointManifest.Disk disk, ChunkCache cache)
            throws IOException {
        return new PointDiskSource(vault, point, disk, vault.readIndex(point, disk), cache);
    }

    public PointManifest point() {
        return point;
    }

    public PointManifest.Disk disk() {
        return disk;
    }

    @Override
    public long size() {
        return index.diskSize();
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) {
        checkRange(offset, length);
        List<Extent> extents = new ArrayList<>();
        if (length == 0) {
            return extents;
        }
        long end = Math.min(offset + length, size());
        int chunkSize = index.chunkSize();
        long runStart = -1;
        for (int i = (int) (offset / chunkSize); (long) i * chunkSize < end; i++) {
            long chunkStart = (long) i * chunkSize;
            if (index.isZero(i)) {
                if (runStart >= 0) {
                    extents.add(new Extent(runStart, chunkStart - runStart));
                    runStart = -1;
                }
            } else if (runStart < 0) {
                runStart = Math.max(offset, chunkStart);
            }
        }
        if (runStart >= 0) {
            extents.add(new Extent(runStart, end - runStart));
        }
        return extents;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        if (offset + dst.remaining() > size()) {
            throw new EOFException("read of " + dst.remaining() + " bytes at " + offset + " past the end of "
                    + describe() + " (" + size() + " bytes)");
        }
        int chunkSize = index.chunkSize();
        while (dst.hasRemaining()) {
            int i = (int) (offset / chunkSize);
            int within = (int) (offset - (long) i * chunkSize);
            int n = Math.min(dst.remaining(), index.lengthOf(i) - within);
            if (index.isZero(i)) {
                for (int k = 0; k < n; k += ZEROS.length) {
                    dst.put(ZEROS, 0, Math.min(ZEROS.length, n - k));
                }
            } else {
                dst.put(chunk(i), within, n);
            }
            offset += n;
        }
    }

    private byte[] chunk(int i) throws IOException {
        ChunkId id = index.get(i);
        try {
            return cache.get(id, () -> {
                byte[] content = new byte[index.lengthOf(i)];
                vault.readEntry(index, i, content, false);
                return content;
            });
        } catch (CorruptDataException e) {
            throw e.at(Locations.of(point, disk, (long) i * index.chunkSize(), index.lengthOf(i)));
        }
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad range offset=" + offset + " length=" + length);
        }
    }

    @Override
    public String describe() {
        return "point " + point.id() + " disk " + disk.name();
    }

    /** Nothing to release: the vault and the cache belong to the caller. */
    @Override
    public void close() {
    }
}

package coffer.vault.write;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.JitWarmup;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backup pipeline for one disk, per chunk, on several threads:
 * <ol>
 *   <li>skip: outside the changed extents of an incremental, take the base's entry unread;</li>
 *   <li>read: only the source's data extents (holes are zero without reading), asked for a window of the
 *       disk at a time ({@link DataExtentWindows}); of a changed chunk that was all zeros in the base, only
 *       the changed extents (the rest is still zero);</li>
 *   <li>zero: an all-zero chunk becomes the zero entry, nothing stored;</li>
 *   <li>hash: SHA-256 or HMAC-SHA-256;</li>
 *   <li>dedup: a chunk already stored in this run, or present in the backend, is not stored again;</li>
 *   <li>seal and store: zstd when it helps, AES-256-GCM when encrypted, published atomically.</li>
 * </ol>
 * Not thread-safe: one writer writes one disk.
 */
final class DiskWriter {
    record Result(FixedIndex index, long dataChunks, long newChunks, long newStoredBytes, long readBytes) {
    }

    /** Below this many bytes to read a JIT warm-up (~0.3 s) costs more than cold crypto (~60 MB/s) does. */
    static final long WARMUP_ABOVE = 24L << 20;

    private final Vault vault;
    private final int threads;
    private final byte[] zeros;

    DiskWriter(Vault vault, int threads) {
        this.vault = vault;
        this.threads = threads;
        this.zeros = new byte[vault.chunkSize()];
    }

    Result write(BlockSource source, DiskBase base, Progress progress) throws IOException {
        int chunkSize = vault.chunkSize();
        long size = source.size();
        FixedIndex index = new FixedIndex(size, chunkSize);
        FixedIndex previous = base == null ? null : base.index();
        if (previous != null && (previous.chunkSize() != chunkSize)) {
            previous = null;
        }
        boolean[] mustRead = chunksToRead(index.chunkCount(), chunkSize, previous, base, size);
        Map<Integer, List<Extent>> changedOfZeroChunks = previous != null && base.changed() != null && previous.diskSize() == size
                ? changedOfZeroChunks(chunkSize, previous, base.changed()) : Map.of();
        // chunks stored or found present during this run; the base's ids are deliberately not trusted
        // without a look: a chunk quarantined as damaged must be stored again when its data is read again
        Set<ChunkId> known = ConcurrentHashMap.newKeySet();
        long toRead = 0;
        for (int i = 0; i < mustRead.length; i++) {
            toRead += mustRead[i] ? index.lengthOf(i) : 0;
        }
        if (toRead > WARMUP_ABOVE) {
            JitWarmup.ensure(vault);
        }
        AtomicLong dataChunks = new AtomicLong();
        AtomicLong newChunks = new AtomicLong();
        AtomicLong newStored = new AtomicLong();
        AtomicLong readBytes = new AtomicLong();
        FixedIndex from = previous;
        DataExtentWindows data = new DataExtentWindows(source);
        ChunkWorkers.run(index.chunkCount(), threads, chunkSize, (i, buffer) -> {
            long offset = (long) i * chunkSize;
            int length = index.lengthOf(i);
            if (!mustRead[i]) {
                ChunkId id = from.get(i);
                index.set(i, id);
                if (!id.isZero()) {
                    dataChunks.incrementAndGet();
                }
                progress.advance(length);
                return;
            }
            List<Extent> extents = data.within(offset, length);
            List<Extent> changed = changedOfZeroChunks.get(i);
            if (changed != null) {
                extents = intersect(extents, changed);
            }
            if (extents.isEmpty()) {
                index.set(i, ChunkId.ZERO);
                progress.advance(length);
                return;
            }
            readBytes.addAndGet(readChunk(source, offset, length, extents, buffer));
            if (Arrays.equals(buffer, 0, length, zeros, 0, length)) {
                index.set(i, ChunkId.ZERO);
                progress.advance(length);
                return;
            }
            ChunkId id = vault.digester().digest(buffer, 0, length);
            dataChunks.incrementAndGet();
            if (known.add(id) && !vault.backend().exists(id.objectName())) {
                String name = id.objectName();
                ByteBuffer sealed = vault.codec().seal(ObjectKind.CHUNK, name, buffer, length, true);
                int stored = sealed.remaining();
                if (vault.backend().putIfAbsent(name, sealed)) {
                    newChunks.incrementAndGet();
                    newStored.addAndGet(stored);
                }
            }
            index.set(i, id);
            progress.advance(length);
        });
        return new Result(index, dataChunks.get(), newChunks.get(), newStored.get(), readBytes.get());
    }

    private static long readChunk(BlockSource source, long offset, int length, List<Extent> extents, byte[] buffer)
            throws IOException {
        long read = 0;
        int filled = 0;
        for (Extent extent : extents) {
            int start = (int) Math.max(0, extent.offset() - offset);
            int end = (int) Math.min(length, extent.end() - offset);
            if (end <= start) {
                continue;
            }
            if (start > filled) {
                Arrays.fill(buffer, filled, start, (byte) 0);
            }
            source.read(offset + start, ByteBuffer.wrap(buffer, start, end - start));
            read += end - start;
            filled = Math.max(filled, end);
        }
        if (filled < length) {
            Arrays.fill(buffer, filled, length, (byte) 0);
        }
        return read;
    }

    /**
     * For each changed chunk that is all zeros in the base: the changed extents inside it, ascending. The
     * rest of such a chunk is unchanged, so still zero: reading it again would only read zeros.
     */
    private static Map<Integer, List<Extent>> changedOfZeroChunks(int chunkSize, FixedIndex previous, List<Extent> changed) {
        Map<Integer, List<Extent>> result = new HashMap<>();
        for (Extent extent : changed) {
            if (extent.length() == 0) {
                continue;
            }
            int first = (int) (extent.offset() / chunkSize);
            int last = (int) Math.min(previous.chunkCount() - 1, (extent.end() - 1) / chunkSize);
            for (int i = first; i <= last; i++) {
                if (previous.get(i).isZero()) {
                    long start = Math.max(extent.offset(), (long) i * chunkSize);
                    long end = Math.min(extent.end(), (long) i * chunkSize + previous.lengthOf(i));
                    if (end > start) {
                        result.computeIfAbsent(i, k -> new ArrayList<>()).add(new Extent(start, end - start));
                    }
                }
            }
        }
        result.values().forEach(list -> list.sort(Comparator.comparingLong(Extent::offset)));
        return result;
    }

    /** The parts of {@code data} (ascending, disjoint) that lie in {@code wanted} (ascending), ascending. */
    static List<Extent> intersect(List<Extent> data, List<Extent> wanted) {
        List<Extent> result = new ArrayList<>();
        for (Extent d : data) {
            for (Extent w : wanted) {
                long start = Math.max(d.offset(), w.offset());
                long end = Math.min(d.end(), w.end());
                if (end > start) {
                    if (!result.isEmpty() && result.getLast().end() >= start) {
                        Extent last = result.removeLast();
                        result.add(new Extent(last.offset(), Math.max(last.end(), end) - last.offset()));
                    } else {
                        result.add(new Extent(start, end - start));
                    }
                }
            }
        }
        return result;
    }

    private static boolean[] chunksToRead(int count, int chunkSize, FixedIndex previous, DiskBase base, long size) {
        boolean[] read = new boolean[count];
        if (previous == null || base.changed() == null || previous.diskSize() != size) {
            Arrays.fill(read, true);
            return read;
        }
        for (Extent extent : base.changed()) {
            if (extent.length() == 0) {
                continue;
            }
            int first = (int) (extent.offset() / chunkSize);
            int last = (int) Math.min(count - 1, (extent.end() - 1) / chunkSize);
            for (int i = first; i <= last; i++) {
                read[i] = true;
            }
        }
        return read;
    }
}

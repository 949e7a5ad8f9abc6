package coffer.vault.write;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.JitWarmup;
import coffer.vault.Vault;
import coffer.vault.format.ChunkPatch;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectKind;
import coffer.vault.backend.SyncSet;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.trace.PhaseTrace;
import coffer.vault.write.WriteStages.Stage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backup pipeline for one disk, per chunk, on several threads:
 * <ol>
 *   <li>skip: outside the changed extents of an incremental, take the base's entry unread (not when that entry
 *       names a chunk quarantined as damaged and not stored again: then read);</li>
 *   <li>read: only the source's data extents (holes are zero without reading), asked for a window of the
 *       disk at a time ({@link DataExtentWindows}); of a changed chunk that was all zeros in the base, only
 *       the changed extents (the rest is still zero);</li>
 *   <li>patch: of a changed chunk of which at most {@link #PATCH_AT_MOST} of the bytes changed and whose base
 *       entry is a stored chunk, only the changed extents are read, and stored as a {@link ChunkPatch} over
 *       that chunk (a patch is never based on a patch: a patched chunk that changes again is read whole);</li>
 *   <li>zero: an all-zero chunk becomes the zero entry, nothing stored;</li>
 *   <li>hash: SHA-256 or HMAC-SHA-256;</li>
 *   <li>dedup: a chunk already stored in this run, or present in the backend, is not stored again. Where asking
 *       the backend costs a request ({@link coffer.vault.backend.Backend#cheapStat()} false: S3), nothing is
 *       asked: the base's chunks count as present (less those quarantined as damaged and not stored again), and
 *       any other chunk is created with one conditional write that leaves an existing one alone;</li>
 *   <li>seal and store: zstd when it helps, AES-256-GCM when encrypted, published atomically.</li>
 * </ol>
 * Runs at least as many workers as the backend serves calls well at once ({@link
 * coffer.vault.backend.Backend#ioParallelism()}), so a remote store's round trips overlap.
 *
 * <p>Not thread-safe: one writer writes one disk.
 */
final class DiskWriter {
    /** {@code newPlainBytes}: the plaintext of the new objects (a patch: its body), which became {@code newStoredBytes}. */
    record Result(FixedIndex index, long dataChunks, long newChunks, long newStoredBytes, long readBytes, long newPlainBytes) {
    }

    /**
     * The largest share of a chunk a patch may replace: beyond it the whole chunk is read and stored (a
     * restore then reads one object, not two, and the chunk may deduplicate).
     */
    static final double PATCH_AT_MOST = 0.5;

    /** Below this many bytes to read a JIT warm-up (~0.3 s) costs more than cold crypto (~60 MB/s) does. */
    static final long WARMUP_ABOVE = 24L << 20;

    private final Vault vault;
    private final int threads;
    private final byte[] zeros;
    private final Created created = new Created();
    /** Whether to ask the backend if a chunk exists before storing it (a file system: one stat). */
    private final boolean askBackend;
    /** Told every chunk this writer stores or finds present: the point writer's first barrier syncs them. */
    private final SyncSet durable;
    private final WriteStages stages = new WriteStages(PhaseTrace.on());

    DiskWriter(Vault vault, int threads, SyncSet durable) {
        this.vault = vault;
        this.durable = durable;
        this.threads = Math.max(threads, vault.backend().ioParallelism());
        this.zeros = new byte[vault.chunkSize()];
        this.askBackend = vault.backend().cheapStat();
    }

    Result write(BlockSource source, DiskBase base, Progress progress) throws IOException {
        int chunkSize = vault.chunkSize();
        long size = source.size();
        FixedIndex previous = base == null ? null : base.index();
        if (previous != null && (previous.chunkSize() != chunkSize)) {
            previous = null;
        }
        boolean tracked = previous != null && base.changed() != null && previous.diskSize() == size;
        // with changed extents, the chunks outside them are the base's entries (patch records included), taken
        // in one copy; the workers see only the chunks to read
        FixedIndex index = tracked ? previous.copy() : new FixedIndex(size, chunkSize);
        created.index = index;
        Map<Integer, List<Extent>> changedPerChunk = tracked ? changedPerChunk(chunkSize, previous, base.changed()) : Map.of();
        // one bit per chunk, and no list of chunk numbers for a full run (every chunk): a 16 TiB disk has 32 Mi chunks
        // (docs/format/index.md, "Memory")
        BitSet mustRead = new BitSet();
        Set<ChunkId> quarantined = tracked || (previous != null && !askBackend) ? vault.quarantinedMissing() : Set.of();
        if (tracked) {
            changedPerChunk.keySet().forEach(mustRead::set);
            readWhatWasQuarantined(previous, mustRead, quarantined);
        } else {
            mustRead.set(0, index.chunkCount());
        }
        // chunks stored or known present during this run. Where asking is cheap the base's ids are deliberately
        // not trusted without a look (a chunk lost must be stored again when its data is read again); where it
        // costs a request, they are, less those quarantined as damaged
        Set<ChunkId> known = ConcurrentHashMap.newKeySet();
        if (previous != null && !askBackend) {
            knownFromBase(previous, quarantined, known);
        }
        long toRead = 0;
        long unchangedData = 0;
        long unchangedBytes = 0;
        int count = mustRead.cardinality();
        int[] chunks = tracked ? new int[count] : null; // null: chunk k is the k-th
        for (int i = 0, k = 0; i < index.chunkCount(); i++) {
            if (mustRead.get(i)) {
                toRead += index.lengthOf(i);
                if (chunks != null) {
                    chunks[k++] = i;
                }
            } else {
                unchangedBytes += index.lengthOf(i);
                unchangedData += previous.isZero(i) ? 0 : 1;
            }
        }
        if (toRead > WARMUP_ABOVE) {
            JitWarmup.ensure(vault);
        }
        progress.advance(unchangedBytes);
        AtomicLong dataChunks = new AtomicLong(unchangedData);
        AtomicLong newChunks = new AtomicLong();
        AtomicLong newStored = new AtomicLong();
        AtomicLong newPlain = new AtomicLong();
        AtomicLong readBytes = new AtomicLong();
        FixedIndex from = previous;
        DataExtentWindows data = new DataExtentWindows(source);
        ChunkWorkers.run(count, threads, chunkSize, (k, buffer) -> {
            int i = chunks == null ? k : chunks[k];
            long offset = (long) i * chunkSize;
            int length = index.lengthOf(i);
            long extentsStart = stages.start();
            List<Extent> extents = data.within(offset, length);
            stages.add(Stage.EXTENTS, extentsStart);
            List<Extent> changed = changedPerChunk.get(i);
            if (changed != null && from.get(i).isZero()) {
                extents = intersect(extents, changed);
            } else if (changed != null && patchable(from, i, changed, length, known)) {
                long readStart = stages.start();
                readBytes.addAndGet(readRanges(source, offset, changed, intersect(extents, changed), buffer));
                stages.add(Stage.READ, readStart);
                List<Extent> relative = changed.stream().map(r -> new Extent(r.offset() - offset, r.length())).toList();
                byte[] body = ChunkPatch.encode(from.get(i), length, relative, buffer);
                ChunkId id = vault.digester().digest(body, 0, body.length);
                index.setPatch(i, id, from.get(i), (int) bytesIn(changed));
                store(ObjectKind.PATCH, i, id, body, body.length, known, newChunks, newStored, newPlain);
                dataChunks.incrementAndGet();
                progress.advance(length);
                return;
            }
            if (extents.isEmpty()) {
                index.set(i, ChunkId.ZERO);
                progress.advance(length);
                return;
            }
            long readStart = stages.start();
            readBytes.addAndGet(readChunk(source, offset, length, extents, buffer));
            stages.add(Stage.READ, readStart);
            if (Arrays.equals(buffer, 0, length, zeros, 0, length)) {
                index.set(i, ChunkId.ZERO);
                progress.advance(length);
                return;
            }
            long digestStart = stages.start();
            ChunkId id = vault.digester().digest(buffer, 0, length);
            stages.add(Stage.DIGEST, digestStart);
            dataChunks.incrementAndGet();
            index.set(i, id);
            store(ObjectKind.CHUNK, i, id, buffer, length, known, newChunks, newStored, newPlain);
            progress.advance(length);
        });
        return new Result(index, dataChunks.get(), newChunks.get(), newStored.get(), readBytes.get(), newPlain.get());
    }

    /**
     * Marks for reading the chunks whose base entry (or a patch's base) was quarantined as damaged and is not
     * stored again yet: taken unread, the new point would name a missing object; read, it is stored again and
     * every point using it is whole again.
     */
    private static void readWhatWasQuarantined(FixedIndex previous, BitSet mustRead, Set<ChunkId> missing) {
        if (missing.isEmpty()) {
            return;
        }
        for (int i = 0; i < previous.chunkCount(); i++) {
            FixedIndex.Patched patched = previous.patchOf(i);
            if (!mustRead.get(i) && (missing.contains(previous.get(i)) || patched != null && missing.contains(patched.base()))) {
                mustRead.set(i);
            }
        }
    }

    /**
     * The chunks and patch bases {@code previous} names, less {@code quarantined}: present, since the base point
     * exists and gc cannot sweep while this backup holds the shared lock (docs/design/locking.md).
     */
    private static void knownFromBase(FixedIndex previous, Set<ChunkId> quarantined, Set<ChunkId> known) {
        previous.addStoredIds(quarantined, known);
    }

    /**
     * Seals and stores {@code plain[0, length)} as {@code id} (the entry of chunk {@code i}, already set in the
     * index) unless stored or known present in this run; one this call creates is recorded in {@link #created}.
     */
    private void store(ObjectKind kind, int i, ChunkId id, byte[] plain, int length, Set<ChunkId> known,
                       AtomicLong newChunks, AtomicLong newStored, AtomicLong newPlain) throws IOException {
        if (!known.add(id)) {
            return;
        }
        String name = id.objectName();
        // a chunk found present may be another writer's, published and not yet durable: synced with this point's
        long existsStart = stages.start();
        boolean present = askBackend && vault.backend().exists(name);
        stages.add(Stage.EXISTS, existsStart);
        if (!present) {
            long sealStart = stages.start();
            ByteBuffer sealed = vault.codec().seal(kind, name, plain, length, true);
            stages.add(Stage.SEAL, sealStart);
            int stored = sealed.remaining();
            long putStart = stages.start();
            boolean put = vault.backend().putIfAbsent(name, sealed);
            stages.add(Stage.PUT, putStart);
            if (put) {
                created.add(i, stored);
                newChunks.incrementAndGet();
                newStored.addAndGet(stored);
                newPlain.addAndGet(length);
            }
        }
        durable.add(name);
    }

    /** Where this writer's workers spent their time (counted under {@code COFFER_TRACE} only). */
    WriteStages stages() {
        return stages;
    }

    /** What this writer's run stored that the vault did not have, also after a failure. */
    Created created() {
        return created;
    }

    /**
     * The chunks and patches a run created (its {@code putIfAbsent} published them): their places in the
     * disk's index, one bit per chunk, so a large backup costs no set of ids. Read {@link #ids} after the run
     * ended, failed or not. Thread-safe.
     */
    static final class Created {
        private final BitSet places = new BitSet();
        private volatile FixedIndex index;
        private long bytes;

        private synchronized void add(int place, int storedBytes) {
            places.set(place);
            bytes += storedBytes;
        }

        /** The ids created, each once. */
        synchronized Set<ChunkId> ids() {
            Set<ChunkId> ids = new HashSet<>();
            for (int i = places.nextSetBit(0); i >= 0; i = places.nextSetBit(i + 1)) {
                ids.add(index.get(i));
            }
            return ids;
        }

        /** Their stored size. */
        synchronized long bytes() {
            return bytes;
        }
    }

    /**
     * Whether changed chunk {@code i} is stored as a patch over its base entry: that entry is a chunk (not
     * zero, not a patch) still present in the backend (a chunk quarantined as damaged is not), and at most
     * {@link #PATCH_AT_MOST} of the chunk changed ({@code changed}: the chunk's merged changed ranges).
     */
    private boolean patchable(FixedIndex from, int i, List<Extent> changed, int length, Set<ChunkId> known)
            throws IOException {
        ChunkId baseChunk = from.get(i);
        if (from.patchOf(i) != null || bytesIn(changed) > PATCH_AT_MOST * length) {
            return false;
        }
        if (known.contains(baseChunk) || (askBackend && vault.backend().exists(baseChunk.objectName()))) {
            known.add(baseChunk);
            return true;
        }
        return false;
    }

    private static long bytesIn(List<Extent> extents) {
        long bytes = 0;
        for (Extent e : extents) {
            bytes += e.length();
        }
        return bytes;
    }

    /**
     * Fills the {@code ranges} of a chunk's buffer: its {@code data} extents (inside the ranges, ascending)
     * read, the rest of the ranges zero. The rest of the buffer is left as it is (a patch takes only the
     * ranges): on a half-empty chunk zeroing it all cost more than reading.
     */
    private static long readRanges(BlockSource source, long offset, List<Extent> ranges, List<Extent> data, byte[] buffer)
            throws IOException {
        long read = 0;
        int next = 0;
        for (Extent range : ranges) {
            long at = range.offset();
            while (next < data.size() && data.get(next).offset() < range.end()) {
                Extent extent = data.get(next++);
                if (extent.offset() > at) {
                    Arrays.fill(buffer, (int) (at - offset), (int) (extent.offset() - offset), (byte) 0);
                }
                source.read(extent.offset(), ByteBuffer.wrap(buffer, (int) (extent.offset() - offset), (int) extent.length()));
                read += extent.length();
                at = extent.end();
            }
            if (at < range.end()) {
                Arrays.fill(buffer, (int) (at - offset), (int) (range.end() - offset), (byte) 0);
            }
        }
        return read;
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
     * For each chunk the changed extents touch (the chunks to read): those extents clipped to the chunk,
     * merged where they overlap or touch, ascending. Of a chunk that is all zeros in the base only these need
     * reading (the rest is still zero); a chunk that changed little is stored as a patch of these ranges.
     */
    private static Map<Integer, List<Extent>> changedPerChunk(int chunkSize, FixedIndex previous, List<Extent> changed) {
        Map<Integer, List<Extent>> result = new HashMap<>();
        for (Extent extent : changed) {
            if (extent.length() == 0) {
                continue;
            }
            int first = (int) (extent.offset() / chunkSize);
            int last = (int) Math.min(previous.chunkCount() - 1, (extent.end() - 1) / chunkSize);
            for (int i = first; i <= last; i++) {
                long start = Math.max(extent.offset(), (long) i * chunkSize);
                long end = Math.min(extent.end(), (long) i * chunkSize + previous.lengthOf(i));
                if (end > start) {
                    result.computeIfAbsent(i, k -> new ArrayList<>()).add(new Extent(start, end - start));
                }
            }
        }
        result.replaceAll((i, list) -> merged(list));
        return result;
    }

    /** {@code extents} sorted, with overlapping or touching ones joined. */
    private static List<Extent> merged(List<Extent> extents) {
        extents.sort(Comparator.comparingLong(Extent::offset));
        List<Extent> result = new ArrayList<>();
        for (Extent e : extents) {
            if (!result.isEmpty() && result.getLast().end() >= e.offset()) {
                Extent last = result.removeLast();
                result.add(new Extent(last.offset(), Math.max(last.end(), e.end()) - last.offset()));
            } else {
                result.add(e);
            }
        }
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
}

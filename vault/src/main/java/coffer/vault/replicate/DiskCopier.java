package coffer.vault.replicate;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.Vault;
import coffer.vault.format.ChunkPatch;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.Progress;

import java.io.IOException;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the destination's index of one disk of a replicated point, per entry, on several threads:
 * <ol>
 *   <li>zero: stays zero;</li>
 *   <li>unchanged since the base: where the entry (and its patch record) equals the source base's entry at the
 *       same place, the destination base replica's entry there is taken unread (it holds the same content: it
 *       is that entry's replica), unless it names an object quarantined as damaged and not stored again;</li>
 *   <li>chunk: read from the source (checked), hashed with the destination's digester, stored unless present;</li>
 *   <li>patch: its base chunk made present first (the destination base's chunk at the same place when that is
 *       the base's replica, else read and stored like a chunk), then the patch's body re-based onto the base's new
 *       id, hashed, stored unless present, and recorded with its base.</li>
 * </ol>
 * "Present" is: stored in this run, named by the destination base replica (where asking the backend costs a
 * request), listed, or found by asking the backend (a file system: one stat); anything else is created with a
 * conditional write that leaves an existing object alone. Every object this run stored is queued in
 * {@code arrivals} for the read-back before the replica is published.
 *
 * <p>Not thread-safe: one copier copies one disk; the sets it shares with the point's other disks are concurrent.
 */
final class DiskCopier {
    /** An object this run stored: a chunk of {@code length} bytes, or a patch with its index record. */
    record Arrival(ChunkId id, FixedIndex.Patched patch, int length) {
    }

    /** The source base's index of the disk and the destination replica's index of the same disk. */
    record BasePair(FixedIndex source, FixedIndex replica) {
    }

    /**
     * {@code newObjects}, {@code newStoredBytes}: what this run stored; {@code earlierObjects},
     * {@code earlierStoredBytes}: what an earlier, failed or killed run of the same replica stored and this one found
     * there (its share of the replica too: docs/design/replication.md, "Stored bytes of a replica").
     */
    record Result(FixedIndex index, long dataChunks, long newObjects, long newStoredBytes, long readBytes,
                  long reusedEntries, long earlierObjects, long earlierStoredBytes) {
        Result(FixedIndex index, long dataChunks, long newObjects, long newStoredBytes, long readBytes, long reusedEntries) {
            this(index, dataChunks, newObjects, newStoredBytes, readBytes, reusedEntries, 0, 0);
        }
    }

    /**
     * An earlier run of the same replica, known by the unfinished marker it left: it began at {@code since} (the store's
     * clock, to the second), and the destination's listing showed {@code listed} (object → stored bytes) written since
     * then. Objects of the replica found there and written since count as the replica's own, once each.
     */
    record EarlierAttempt(java.time.Instant since, java.util.concurrent.ConcurrentMap<ChunkId, Long> listed) {
    }

    private final Vault source;
    private final Destination destination;
    private final int threads;
    /** Source object id → destination object id, for what this run has read (shared by the point's disks). */
    private final ConcurrentHashMap<ChunkId, ChunkId> translated;
    /** Destination objects known to exist (shared). */
    private final Set<ChunkId> present;
    /** Destination objects quarantined as damaged and not stored again: never taken as present unless stored. */
    private final Set<ChunkId> quarantined;
    private final Queue<Arrival> arrivals;
    /** An earlier run of the same replica; null when none left its marker. */
    private final EarlierAttempt earlier;

    DiskCopier(Vault source, Destination destination, int threads, ConcurrentHashMap<ChunkId, ChunkId> translated,
               Set<ChunkId> present, Set<ChunkId> quarantined, ConcurrentLinkedQueue<Arrival> arrivals) {
        this(source, destination, threads, translated, present, quarantined, arrivals, null);
    }

    DiskCopier(Vault source, Destination destination, int threads, ConcurrentHashMap<ChunkId, ChunkId> translated,
               Set<ChunkId> present, Set<ChunkId> quarantined, ConcurrentLinkedQueue<Arrival> arrivals,
               EarlierAttempt earlier) {
        this.earlier = earlier;
        this.source = source;
        this.destination = destination;
        this.threads = threads;
        this.translated = translated;
        this.present = present;
        this.quarantined = quarantined;
        this.arrivals = arrivals;
    }

    Result copy(FixedIndex from, BasePair base, Progress progress) throws IOException {
        BasePair usable = base != null && base.source().diskSize() == from.diskSize()
                && base.replica().diskSize() == from.diskSize() && base.source().chunkSize() == from.chunkSize()
                && base.replica().chunkSize() == from.chunkSize() ? base : null;
        FixedIndex index = new FixedIndex(from.diskSize(), from.chunkSize());
        int[] work = new int[Math.min(from.chunkCount(), 1024)]; // grown as needed: a sparse disk's chunks are mostly zeros
        int count = 0;
        long settledBytes = 0;
        long reused = 0;
        long dataChunks = 0;
        for (int i = 0; i < from.chunkCount(); i++) {
            if (from.isZero(i)) {
                settledBytes += from.lengthOf(i);
            } else if (usable != null && unchanged(from, usable, i)) {
                FixedIndex.Patched patched = usable.replica().patchOf(i);
                if (patched == null) {
                    index.set(i, usable.replica().get(i));
                } else {
                    index.setPatch(i, usable.replica().get(i), patched.base(), patched.bytes());
                }
                settledBytes += from.lengthOf(i);
                reused++;
                dataChunks++;
            } else {
                if (count == work.length) {
                    work = java.util.Arrays.copyOf(work, work.length * 2);
                }
                work[count++] = i;
                dataChunks++;
            }
        }
        progress.advance(settledBytes);
        AtomicLong newObjects = new AtomicLong();
        AtomicLong newStored = new AtomicLong();
        AtomicLong readBytes = new AtomicLong();
        AtomicLong earlierObjects = new AtomicLong();
        AtomicLong earlierStored = new AtomicLong();
        int[] chunks = work;
        ChunkWorkers.run(count, threads, from.chunkSize(), (k, buffer) -> {
            int i = chunks[k];
            int length = from.lengthOf(i);
            FixedIndex.Patched patched = from.patchOf(i);
            Counters counters = new Counters(newObjects, newStored, readBytes, earlierObjects, earlierStored);
            if (patched == null) {
                index.set(i, chunk(from.get(i), length, buffer, counters));
            } else {
                ChunkId newBase = patchBase(from, usable, i, patched, length, buffer, counters);
                index.setPatch(i, patch(from.get(i), patched, newBase, length, counters), newBase, patched.bytes());
            }
            progress.advance(length);
        });
        return new Result(index, dataChunks, newObjects.get(), newStored.get(), readBytes.get(), reused,
                earlierObjects.get(), earlierStored.get());
    }

    private record Counters(AtomicLong newObjects, AtomicLong newStored, AtomicLong readBytes, AtomicLong earlierObjects,
                            AtomicLong earlierStored) {
    }

    /**
     * Whether entry {@code i} is the source base's entry at the same place (patch record included) and the replica's
     * entry there names nothing quarantined: then the replica's entry holds the same content.
     */
    private boolean unchanged(FixedIndex from, BasePair base, int i) {
        if (!from.get(i).equals(base.source().get(i)) || !Objects.equals(from.patchOf(i), base.source().patchOf(i))) {
            return false;
        }
        ChunkId replica = base.replica().get(i);
        FixedIndex.Patched patched = base.replica().patchOf(i);
        return !replica.isZero() && !quarantined.contains(replica) && (patched == null || !quarantined.contains(patched.base()));
    }

    /** The destination id of source chunk {@code id} ({@code length} bytes), stored there unless present. */
    private ChunkId chunk(ChunkId id, int length, byte[] buffer, Counters counters) throws IOException {
        ChunkId known = translated.get(id);
        if (known != null) {
            return known;
        }
        int got = source.readChunk(id, buffer, false);
        if (got != length) {
            throw new CorruptDataException(id.objectName(), "chunk holds " + got + " bytes where the index needs " + length);
        }
        counters.readBytes().addAndGet(got);
        ChunkId target = destination.vault().digester().digest(buffer, 0, got);
        store(ObjectKind.CHUNK, target, buffer, got, null, length, counters);
        translated.put(id, target);
        return target;
    }

    /**
     * The destination id of the base of the patch at entry {@code i}: the replica base's chunk at the same place when
     * the source base's entry there is this patch's base (the usual incremental: a patch over the previous version),
     * else the base chunk copied like any chunk.
     */
    private ChunkId patchBase(FixedIndex from, BasePair base, int i, FixedIndex.Patched patched, int length,
                              byte[] buffer, Counters counters) throws IOException {
        if (base != null && patched.base().equals(base.source().get(i)) && base.source().patchOf(i) == null
                && base.replica().patchOf(i) == null && !base.replica().get(i).isZero()
                && !quarantined.contains(base.replica().get(i))) {
            return base.replica().get(i);
        }
        return chunk(patched.base(), length, buffer, counters);
    }

    /** The destination id of source patch {@code id}, re-based onto {@code newBase}, stored unless present. */
    private ChunkId patch(ChunkId id, FixedIndex.Patched patched, ChunkId newBase, int length, Counters counters)
            throws IOException {
        ChunkId known = translated.get(id);
        if (known != null) {
            return known;
        }
        ChunkPatch patch = source.readPatch(id, patched, length, false);
        byte[] body = patch.rebasedBody(newBase);
        counters.readBytes().addAndGet(patch.patchedBytes());
        ChunkId target = destination.vault().digester().digest(body, 0, body.length);
        store(ObjectKind.PATCH, target, body, body.length, new FixedIndex.Patched(newBase, patched.bytes()), length, counters);
        translated.put(id, target);
        return target;
    }

    private void store(ObjectKind kind, ChunkId id, byte[] plain, int length, FixedIndex.Patched record, int chunkLength,
                       Counters counters) throws IOException {
        if (!present.add(id)) {
            Long listed = earlier == null ? null : earlier.listed().remove(id); // once each
            if (listed != null) {
                counters.earlierObjects().incrementAndGet();
                counters.earlierStored().addAndGet(listed);
            }
            return;
        }
        long stored = destination.store(kind, id, plain, length);
        if (stored >= 0) {
            counters.newObjects().incrementAndGet();
            counters.newStored().addAndGet(stored);
            arrivals.add(new Arrival(id, record, chunkLength));
        } else if (earlier != null) {
            // there already: the earlier run's, when written since it began (one HEAD, only after a failed run)
            java.util.Optional<coffer.vault.backend.ObjectInfo> info = destination.stat(id);
            if (info.isPresent() && !info.get().modified().isBefore(earlier.since())) {
                counters.earlierObjects().incrementAndGet();
                counters.earlierStored().addAndGet(info.get().size());
            }
        }
    }
}

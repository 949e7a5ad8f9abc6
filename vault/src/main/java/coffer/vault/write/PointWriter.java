package coffer.vault.write;

import coffer.vault.backend.AfterCancel;
import coffer.vault.backend.SyncSet;
import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.PointIds;
import coffer.vault.PointManifest;
import coffer.vault.UnfinishedMarker;
import coffer.vault.Vault;
import coffer.vault.VaultLocks;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.Json;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Progress;
import coffer.vault.trace.PhaseTrace;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes one point. Order, so that a crash at any moment leaves no point that names missing data
 * (docs/format/README.md, "write order"): an {@link UnfinishedMarker}, the chunks of every disk, a durability
 * barrier, every disk's index, a barrier, the manifest, a barrier (three barriers whatever the number of disks),
 * then the marker is removed. The barriers sync what this writer names ({@link SyncSet}: the marker, the chunks it
 * stored or found present, the indexes, the manifest), which on a directory is an {@code fsync} of each while they
 * are few. The point exists once its manifest does. A point committed {@link #immutableUntil
 * immutable} gets its hold object after that. A writer closed without {@link #commit} (failed or cancelled)
 * removes the manifest if it wrote one, the indexes it wrote, a barrier, and its marker (kept while objects an
 * earlier attempt at a chosen id left are there: they are an unfinished point's), then the chunks it created that no
 * point uses ({@link ChunkReclaim}, under the exclusive lock; what it cannot remove stays for gc): a backup that
 * fails on a full vault gives its space back. When the manifest's removal fails, its put may have reached storage
 * and the point may be listed: then nothing else is removed, so such a point is always whole. Nor is anything removed
 * when a writer of a chosen id finds the point published by another attempt (a replication of the same point whose
 * claim was found stale: docs/design/replication.md): the indexes it rewrote are that point's. What may be removed is
 * decided first ({@link #cleanup}), then removed ({@link #remove}). A chunk removal keeps every chunk while an unfinished
 * point may still be written by a writer whose lock was removed as stale ({@link ChunkReclaim}). Holds the vault's
 * shared lock from start to close, so gc never sweeps underneath it.
 *
 * <p>Disks may be written concurrently: {@link #reserve} each disk's place in the point first (one thread,
 * in the order the point should list them), then {@link #writeDisk(Slot, BlockSource, String, DiskBase,
 * Progress)} from any threads. Begin, reserve and commit are for one driving thread.
 */
public final class PointWriter implements AutoCloseable {
    /**
     * The writers of this process that may still add to their point: from before their marker until their cleanup
     * is done. A failed writer's chunk removal keeps every chunk while one of them could name it ({@link ChunkReclaim}).
     */
    private static final Set<PointWriter> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Vault vault;
    private final String id;
    private final String name;
    private final Instant createdAt;
    private final int threads;
    private final VaultLocks.Lock lock;
    /** What the barriers of {@link #commit} make durable: the marker, the chunks stored or found present, the indexes. */
    private final SyncSet durable;
    /** Per reserved place: the disk once written, else null. Guarded by {@code this}. */
    private final List<String> reserved = new ArrayList<>();
    private final List<PointManifest.Disk> disks = new ArrayList<>();
    private final List<FixedIndex> indexes = new ArrayList<>();
    private final List<String> written = new ArrayList<>();
    /** Every disk writer started, for the chunks each created. Guarded by {@code this}. */
    private final List<DiskWriter> diskWriters = new ArrayList<>();
    /** Per written disk: the plaintext bytes of the new objects stored for it. Guarded by {@code this}. */
    private final Map<String, Long> newPlainBytes = new java.util.HashMap<>();
    /** Whether the caller chose the id ({@link #beginWithId}): objects of an earlier attempt may be there. */
    private final boolean chosenId;
    private volatile boolean committed;
    private volatile Reclaimed reclaimed;
    /** When set, the point is committed immutable until then. Guarded by {@code this}. */
    private Instant immutableUntil;

    /**
     * What an abandoned writer did with the chunks it had created: how many, how many it removed, and why it left
     * the rest to gc (null when it removed every unused one).
     */
    public record Reclaimed(int createdChunks, int removedChunks, String leftBecause) {
    }

    /** A disk's place in the point (its index file is {@code disk-<position>.fidx}). */
    public record Slot(int position, String diskName) {
    }

    /** Whether commit reads the indexes back before publishing the manifest, and the manifest after. */
    private volatile boolean verifyOnCommit;

    private PointWriter(Vault vault, String id, String name, Instant createdAt, int threads, VaultLocks.Lock lock,
                        boolean chosenId) {
        this.vault = vault;
        this.chosenId = chosenId;
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
        this.threads = threads;
        this.lock = lock;
        this.durable = vault.backend().syncSet();
    }

    public static PointWriter begin(Vault vault, String name, Instant createdAt, int threads) throws IOException {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a point needs a name");
        }
        VaultLocks.Lock lock = vault.locks().shared("backup of " + name, Duration.ofMinutes(10));
        return marked(new PointWriter(vault, PointIds.newId(createdAt), name, createdAt, threads, lock, false));
    }

    /**
     * Begins a point whose id the caller chose (a replica's, the same on every attempt: docs/design/replication.md),
     * taking the shared lock for {@code purpose}. Objects a crashed earlier attempt left under that id are
     * overwritten; the point does not exist until its manifest is published.
     */
    public static PointWriter beginWithId(Vault vault, String id, String name, Instant createdAt, int threads,
                                          String purpose) throws IOException {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a point needs a name");
        }
        PointIds.check(id);
        VaultLocks.Lock lock = vault.locks().shared(purpose, Duration.ofMinutes(10));
        return marked(new PointWriter(vault, id, name, createdAt, threads, lock, true));
    }

    /** Publishes the writer's {@link UnfinishedMarker} before anything else; on failure, closes the writer. */
    private static PointWriter marked(PointWriter writer) throws IOException {
        OPEN.add(writer);
        try {
            UnfinishedMarker.of("write").put(writer.vault, writer.id);
            writer.durable.add(UnfinishedMarker.objectName(writer.id));
        } catch (IOException | RuntimeException e) {
            try (writer) {
                throw e;
            }
        }
        return writer;
    }

    /** Whether a writer of this process that has not finished its cleanup writes point {@code id}. */
    static boolean writingInThisProcess(String id) {
        for (PointWriter writer : OPEN) {
            if (writer.id.equals(id)) {
                return true;
            }
        }
        return false;
    }

    public static PointWriter begin(Vault vault, String name) throws IOException {
        return begin(vault, name, Instant.now(), ChunkWorkers.defaultThreads());
    }

    public String id() {
        return id;
    }

    /** Chunk workers per disk: how many reads of a source may be in flight at once. */
    public int threads() {
        return threads;
    }

    /**
     * How many disks of a point its callers write at once ({@link #writeDisk(Slot, BlockSource, String, DiskBase,
     * Progress)} from a thread each, every disk with {@link #threads()} chunk workers): an incremental is bound by
     * the latency of scattered reads, a full by the CPU, and a small disk then no longer waits for a large one.
     */
    public static final int PARALLEL_DISKS = 4;

    /** Reserves the point's next disk place for {@code diskName}. */
    public synchronized Slot reserve(String diskName) {
        if (committed) {
            throw new IllegalStateException("point already committed");
        }
        if (reserved.contains(diskName)) {
            throw new IllegalArgumentException("disk name '" + diskName + "' used twice in one point");
        }
        reserved.add(diskName);
        disks.add(null);
        indexes.add(null);
        return new Slot(reserved.size() - 1, diskName);
    }

    /** Reads {@code source} into the vault as the point's next disk. */
    public PointManifest.Disk writeDisk(String diskName, BlockSource source, String sourceFormat, DiskBase base,
                                        Progress progress) throws IOException {
        return writeDisk(reserve(diskName), source, sourceFormat, base, progress);
    }

    /** Reads {@code source} into the vault as the disk of {@code slot}; callable from several threads at once. */
    public PointManifest.Disk writeDisk(Slot slot, BlockSource source, String sourceFormat, DiskBase base,
                                        Progress progress) throws IOException {
        return writeDisk(slot, source, source.describe(), sourceFormat, base, progress);
    }

    /**
     * {@link #writeDisk(Slot, BlockSource, String, DiskBase, Progress)} recording {@code sourceName} as the disk's
     * {@code source} (docs/format/manifest.md): an instance's disk file, not the NBD export it was read through.
     */
    public PointManifest.Disk writeDisk(Slot slot, BlockSource source, String sourceName, String sourceFormat,
                                        DiskBase base, Progress progress) throws IOException {
        synchronized (this) {
            checkOpen(slot);
        }
        if (base != null && !vault.backend().exists(Vault.manifestName(base.pointId()))) {
            base = null; // its point was deleted: its chunks may be gone; read and store everything
        }
        DiskWriter diskWriter = new DiskWriter(vault, threads, durable);
        synchronized (this) {
            diskWriters.add(diskWriter);
        }
        DiskWriter.Result result = diskWriter.write(source, base, progress);
        if (PhaseTrace.on()) {
            new PhaseTrace().mark("stages of " + slot.diskName() + " (thread time): " + diskWriter.stages().summary());
        }
        FixedIndex index = result.index();
        PointManifest.Disk disk = new PointManifest.Disk(slot.diskName(), indexName(slot.position()), index.diskSize(),
                index.chunkSize(), index.checksum(), result.dataChunks(), result.newChunks(), result.newStoredBytes(),
                result.readBytes(), sourceName, sourceFormat);
        synchronized (this) {
            disks.set(slot.position(), disk);
            indexes.set(slot.position(), index);
            newPlainBytes.put(slot.diskName(), result.newPlainBytes());
        }
        return disk;
    }

    /**
     * The plaintext bytes of the new objects stored for disk {@code diskName} (of a chunk patch: its body), which
     * became the disk's {@link PointManifest.Disk#newStoredBytes}: how well the new data compressed (not recorded in
     * the manifest). 0 for a disk not written.
     */
    public synchronized long newPlainBytes(String diskName) {
        return newPlainBytes.getOrDefault(diskName, 0L);
    }

    /**
     * Takes {@code index} as the disk of {@code slot}: a disk whose chunks and patches the caller has stored in this
     * vault already (a replica's, copied from another vault). {@code counts} gives the figures the manifest records
     * (data chunks, new chunks and their stored bytes, bytes read, where the disk came from); its index name, size,
     * chunk size and checksum are the writer's. The commit's first barrier covers the caller's chunks too.
     */
    public PointManifest.Disk addDisk(Slot slot, FixedIndex index, PointManifest.Disk counts) {
        if (index.chunkSize() != vault.chunkSize()) {
            throw new IllegalArgumentException("an index of " + index.chunkSize() + "-byte chunks in a vault of "
                    + vault.chunkSize() + "-byte chunks");
        }
        PointManifest.Disk disk = new PointManifest.Disk(slot.diskName(), indexName(slot.position()), index.diskSize(),
                index.chunkSize(), index.checksum(), counts.dataChunks(), counts.newChunks(), counts.newStoredBytes(),
                counts.readBytes(), counts.source(), counts.sourceFormat());
        synchronized (this) {
            checkOpen(slot);
            disks.set(slot.position(), disk);
            indexes.set(slot.position(), index);
        }
        durable.addEverything(); // the caller's chunks are not named here
        return disk;
    }

    /** The point is not committed and {@code slot} is reserved and not written yet. Callers hold {@code this}. */
    private void checkOpen(Slot slot) {
        if (committed) {
            throw new IllegalStateException("point already committed");
        }
        if (slot.position() >= reserved.size() || !reserved.get(slot.position()).equals(slot.diskName())
                || disks.get(slot.position()) != null) {
            throw new IllegalArgumentException("disk place " + slot + " is not reserved in this point, or written");
        }
    }

    /**
     * Makes {@link #commit} read every index back (and check it against what was written) before it publishes the
     * manifest, and the manifest after: a copy checked on arrival (a replica's). Costs one read per object.
     */
    public void verifyOnCommit() {
        this.verifyOnCommit = true;
    }

    /**
     * Commits the point immutable until {@code until} ({@link Vault#FOREVER}: for ever): its manifest records it
     * ({@code immutableUntil}, since manifest version 2) and a hold object is written after it; the vault refuses to delete the point before then
     * (docs/format/hold.md).
     */
    public synchronized void immutableUntil(Instant until) {
        if (committed) {
            throw new IllegalStateException("point already committed");
        }
        this.immutableUntil = until;
    }

    private String indexName(int position) {
        return Vault.POINTS + id + "/disk-" + position + ".fidx";
    }

    /** Publishes the point with the facts of the layer above ({@code null}: none), as manifest version 3. */
    public PointManifest commit(String consistency, String parent, List<PointManifest.SkippedDisk> skipped,
                                JsonNode facts) throws IOException {
        List<PointManifest.Disk> disks;
        List<FixedIndex> indexes;
        Instant until;
        synchronized (this) {
            until = immutableUntil;
            if (this.disks.isEmpty()) {
                throw new IllegalStateException("a point needs at least one disk");
            }
            if (this.disks.contains(null)) {
                throw new IllegalStateException("disk(s) reserved but not written: " + reserved);
            }
            disks = List.copyOf(this.disks);
            indexes = List.copyOf(this.indexes);
        }
        PointManifest manifest = new PointManifest(PointManifest.FORMAT, PointManifest.VERSION, id, name, createdAt,
                consistency, parent, disks, skipped, Map.of(), until, facts);
        long serializing = System.nanoTime();
        byte[] body = Json.MAPPER.writeValueAsBytes(manifest);
        if (PhaseTrace.on()) {
            new PhaseTrace().mark(String.format(Locale.ROOT, "manifest written as JSON: %.3f s",
                    (System.nanoTime() - serializing) / 1e9));
        }
        String manifestName = Vault.manifestName(id);
        barrier("chunks"); // the marker and every disk's chunks before any index
        for (int i = 0; i < indexes.size(); i++) {
            FixedIndex index = indexes.get(i);
            String indexName = indexName(i);
            written.add(indexName);
            durable.add(indexName);
            if (index.inHeap()) {
                byte[] indexBody = index.encode();
                vault.backend().put(indexName, vault.codec().seal(ObjectKind.INDEX, indexName, indexBody, indexBody.length, false));
            } else { // kept in a file: encoded, compressed and written as streams (docs/format/index.md, "Memory")
                try (ObjectCodec.Spooled sealed = vault.codec().sealSpooled(ObjectKind.INDEX, indexName,
                        index.encodedLength(), index::encodeTo)) {
                    vault.backend().putStream(indexName, sealed.length(), sealed::writeTo);
                }
            }
        }
        barrier("indexes"); // indexes before the manifest
        if (verifyOnCommit) {
            for (int i = 0; i < indexes.size(); i++) {
                readBack(manifest, disks.get(i), indexes.get(i));
            }
        }
        written.add(manifestName);
        vault.backend().put(manifestName, vault.codec().seal(ObjectKind.MANIFEST, manifestName, body, body.length, false));
        durable.add(manifestName);
        barrier("manifest");
        if (verifyOnCommit && !vault.readManifestObject(manifestName).equals(manifest)) {
            throw new CorruptDataException(manifestName, "the manifest read back differs from the one written");
        }
        committed = true;
        try {
            vault.backend().delete(UnfinishedMarker.objectName(id)); // before a hold retains the point's objects
        } catch (IOException leftBehind) {
            // beside a manifest the marker means nothing; gc removes it
        }
        if (until != null) {
            vault.writeHold(id, until); // after the manifest: the manifest alone already holds the point
        }
        return manifest;
    }

    /** {@link SyncSet#sync} of {@link #durable}, timed on stderr under {@code COFFER_TRACE}. */
    private void barrier(String covering) throws IOException {
        long start = System.nanoTime();
        durable.sync();
        if (PhaseTrace.on()) {
            new PhaseTrace().mark(String.format(Locale.ROOT, "barrier of the %s: %.3f s", covering,
                    (System.nanoTime() - start) / 1e9));
        }
    }

    /** Reads the index of {@code disk} back: its checksum must match the manifest's and its entries the written ones. */
    private void readBack(PointManifest manifest, PointManifest.Disk disk, FixedIndex written) throws IOException {
        FixedIndex stored = vault.readIndex(manifest, disk);
        if (!stored.sameAs(written)) {
            throw new CorruptDataException(disk.index(), "the index read back differs from the one written");
        }
    }

    /**
     * Whether {@code points/<id>/} holds nothing but the marker. A point whose id the caller chose (a replica's) may
     * hold what an earlier attempt left (an index it could not remove, or wrote before it was killed): beside the
     * marker that is an unfinished point's, for gc; without it, a "lost" point (docs/format/unfinished.md).
     */
    private boolean nothingBesideMarker() throws IOException {
        String marker = UnfinishedMarker.objectName(id);
        return vault.backend().list(Vault.POINTS + id + "/").stream().allMatch(o -> o.name().equals(marker));
    }

    /** After a {@link #close} without commit: what became of the chunks this writer created; else null. */
    public Reclaimed reclaimed() {
        return reclaimed;
    }

    /**
     * Ends the writer: a writer not committed removes what it wrote ({@link #cleanup}, {@link #remove}), releases its
     * lock, then removes the chunks it created that no point uses ({@link ChunkReclaim}). Whatever the cleanup throws
     * (a backend's {@code RuntimeException} too), the writer leaves the open writers' set and its lock is released;
     * its chunks then stay for gc. A cancelled writer (its thread interrupted) does all that too: the interrupt is put
     * aside meanwhile and kept, since interrupted requests fail (the AWS SDK fails every request of an interrupted
     * thread and interrupts it again).
     */
    @Override
    public void close() throws IOException {
        try (AfterCancel ignored = AfterCancel.begin()) { // a cancelled writer's requests get a short patience
            end();
        }
    }

    private void end() throws IOException {
        IOException failure = null;
        String chunksStayBecause = null;
        Throwable unexpected = null; // a RuntimeException (or Error) of the backend during the cleanup
        try {
            if (!committed) {
                Cleanup cleanup = cleanup();
                failure = cleanup.failure();
                chunksStayBecause = cleanup.nothingBecause();
                if (chunksStayBecause == null) {
                    Removed removed = remove(cleanup.objects());
                    failure = removed.failure();
                    chunksStayBecause = removed.manifestMayStand()
                            ? "the point's manifest may stand (its removal failed after its put may have reached storage)"
                            : null;
                }
            }
        } catch (RuntimeException | Error e) {
            unexpected = e;
            chunksStayBecause = "its cleanup failed (" + e + ")";
        } finally {
            OPEN.remove(this); // adds nothing to its point from here on, whatever the cleanup threw
        }
        boolean released = false;
        try {
            lock.close();
            released = true;
        } catch (IOException | RuntimeException e) {
            if (unexpected != null) {
                unexpected.addSuppressed(e);
            } else if (e instanceof RuntimeException runtime) {
                unexpected = runtime;
            } else {
                // a lock object left behind goes stale and is removed by whoever finds it (or by this process's next
                // lock operation); a committed point must not be reported as failed because of it
                failure = committed ? failure : (failure == null ? (IOException) e : failure);
            }
        }
        if (!committed && reclaimed == null) {
            Set<ChunkId> created = new HashSet<>();
            synchronized (this) {
                for (DiskWriter diskWriter : diskWriters) {
                    created.addAll(diskWriter.created().ids());
                }
            }
            reclaimed = chunksStayBecause != null ? new Reclaimed(created.size(), 0, chunksStayBecause)
                    : released ? ChunkReclaim.reclaim(vault, created, lock.since(), ChunkReclaim.WAIT)
                    : new Reclaimed(created.size(), 0, "this backup's own lock could not be released");
        }
        if (unexpected instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (unexpected instanceof Error error) {
            throw error;
        }
        if (failure != null && !committed) {
            throw failure;
        }
    }

    /**
     * What a writer closed without commit may remove: the objects it wrote, newest first (then its marker:
     * {@link #remove}); or nothing, and why ({@code nothingBecause}; {@code failure}: the look that decided it failed).
     */
    private record Cleanup(List<String> objects, String nothingBecause, IOException failure) {
    }

    /**
     * Decides, before anything is removed, what this uncommitted writer may remove. A writer of a chosen id that wrote
     * indexes but no manifest removes nothing when the manifest exists, or when that cannot be told: another attempt at
     * the id (a replication of the same point, its claim found stale) published the point, and the indexes this writer
     * rewrote are that point's.
     */
    private Cleanup cleanup() {
        String manifest = Vault.manifestName(id);
        if (chosenId && !written.isEmpty() && !written.contains(manifest)) {
            try {
                if (vault.backend().exists(manifest)) {
                    return new Cleanup(List.of(), "another attempt at the point's id published it", null);
                }
            } catch (IOException unknown) {
                return new Cleanup(List.of(), "whether another attempt at the point's id published it is unknown ("
                        + unknown.getMessage() + ")", unknown);
            }
        }
        return new Cleanup(List.copyOf(written.reversed()), null, null);
    }

    /** What {@link #remove} did: its first failure (null: none), and whether the manifest's removal failed. */
    private record Removed(IOException failure, boolean manifestMayStand) {
    }

    /**
     * Removes {@code objects} in order (a barrier after the manifest's removal), keeping on after a failure (gc removes
     * what is left) except the manifest's: its put may have reached storage and the point may be listed, so it must
     * stay whole. Then, when all went, a barrier and the marker, which goes last and only when nothing else is under
     * {@code points/<id>/} (else what is left would look lost).
     */
    private Removed remove(List<String> objects) {
        IOException failure = null;
        for (String object : objects) {
            boolean manifest = object.equals(Vault.manifestName(id));
            try {
                vault.backend().delete(object);
                if (manifest) {
                    vault.backend().sync(); // gone for good before its indexes go, as in Vault.deletePoint
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                if (manifest) {
                    return new Removed(failure, true);
                }
            }
        }
        if (failure == null) {
            try {
                if (!objects.isEmpty()) {
                    // the removals durable before the marker's: a power loss must not keep only the marker's
                    vault.backend().sync();
                }
                if (!chosenId || nothingBesideMarker()) {
                    vault.backend().delete(UnfinishedMarker.objectName(id));
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        return new Removed(failure, false);
    }
}

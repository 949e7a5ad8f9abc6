package coffer.vault.write;

import coffer.vault.ChunkWorkers;
import coffer.vault.PointIds;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.VaultLocks;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.Json;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Progress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes one point. Order, so that a crash at any moment leaves no point that names missing data
 * (docs/format/README.md, "write order"): the chunks of every disk, a durability barrier, every disk's
 * index, a barrier, the manifest, a barrier: three barriers whatever the number of disks. The point exists once its manifest
 * does. A writer closed without {@link #commit} removes the indexes it wrote; its chunks stay for gc.
 * Holds the vault's shared lock from start to close, so gc never sweeps underneath it.
 *
 * <p>Not thread-safe: one thread drives a writer (the chunk work inside is parallel).
 */
public final class PointWriter implements AutoCloseable {
    private final Vault vault;
    private final String id;
    private final String name;
    private final Instant createdAt;
    private final int threads;
    private final VaultLocks.Lock lock;
    private final List<PointManifest.Disk> disks = new ArrayList<>();
    private final List<String> written = new ArrayList<>();
    /** Indexes of written disks, published at commit after one barrier for all disks' chunks. */
    private final Map<String, FixedIndex> pendingIndexes = new java.util.LinkedHashMap<>();
    private boolean committed;

    private PointWriter(Vault vault, String name, Instant createdAt, int threads, VaultLocks.Lock lock) {
        this.vault = vault;
        this.id = PointIds.newId(createdAt);
        this.name = name;
        this.createdAt = createdAt;
        this.threads = threads;
        this.lock = lock;
    }

    public static PointWriter begin(Vault vault, String name, Instant createdAt, int threads) throws IOException {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a point needs a name");
        }
        VaultLocks.Lock lock = vault.locks().shared("backup of " + name, Duration.ofMinutes(10));
        return new PointWriter(vault, name, createdAt, threads, lock);
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

    /** Reads {@code source} into the vault as the point's next disk. */
    public PointManifest.Disk writeDisk(String diskName, BlockSource source, String sourceFormat, DiskBase base,
                                        Progress progress) throws IOException {
        if (committed) {
            throw new IllegalStateException("point already committed");
        }
        if (disks.stream().anyMatch(d -> d.name().equals(diskName))) {
            throw new IllegalArgumentException("disk name '" + diskName + "' used twice in one point");
        }
        if (base != null && !vault.backend().exists(Vault.manifestName(base.pointId()))) {
            base = null; // its point was deleted: its chunks may be gone; read and store everything
        }
        DiskWriter.Result result = new DiskWriter(vault, threads).write(source, base, progress);
        String indexName = Vault.POINTS + id + "/disk-" + disks.size() + ".fidx";
        FixedIndex index = result.index();
        pendingIndexes.put(indexName, index);
        PointManifest.Disk disk = new PointManifest.Disk(diskName, indexName, index.diskSize(), index.chunkSize(),
                index.checksum(), result.dataChunks(), result.newChunks(), result.newStoredBytes(), result.readBytes(),
                source.describe(), sourceFormat);
        disks.add(disk);
        return disk;
    }

    /** Publishes the point. */
    public PointManifest commit(String consistency, String parent, List<PointManifest.SkippedDisk> skipped,
                                Map<String, String> attributes) throws IOException {
        if (disks.isEmpty()) {
            throw new IllegalStateException("a point needs at least one disk");
        }
        PointManifest manifest = new PointManifest(PointManifest.FORMAT, PointManifest.VERSION, id, name, createdAt,
                consistency, parent, disks, skipped, attributes);
        byte[] body = Json.MAPPER.writeValueAsBytes(manifest);
        String manifestName = Vault.manifestName(id);
        vault.backend().sync(); // every disk's chunks before any index
        for (Map.Entry<String, FixedIndex> pending : pendingIndexes.entrySet()) {
            byte[] indexBody = pending.getValue().encode();
            written.add(pending.getKey());
            vault.backend().put(pending.getKey(),
                    vault.codec().seal(ObjectKind.INDEX, pending.getKey(), indexBody, indexBody.length, false));
        }
        vault.backend().sync(); // indexes before the manifest
        written.add(manifestName);
        vault.backend().put(manifestName, vault.codec().seal(ObjectKind.MANIFEST, manifestName, body, body.length, false));
        vault.backend().sync();
        committed = true;
        return manifest;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        if (!committed) {
            for (String object : written.reversed()) {
                try {
                    vault.backend().delete(object);
                } catch (IOException e) {
                    failure = failure == null ? e : failure; // keep cleaning; gc removes what is left
                }
            }
        }
        try {
            lock.close();
        } catch (IOException e) {
            // a lock object left behind goes stale and is removed by whoever finds it; a committed point
            // must not be reported as failed because of it
            failure = committed ? failure : (failure == null ? e : failure);
        }
        if (failure != null && !committed) {
            throw failure;
        }
    }
}

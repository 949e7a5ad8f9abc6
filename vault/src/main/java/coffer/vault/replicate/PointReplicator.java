package coffer.vault.replicate;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointClaims;
import coffer.vault.backend.AfterCancel;
import coffer.vault.PointIds;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Copies a point of a source vault into a destination vault as a replica (docs/design/replication.md):
 * <ol>
 *   <li>the replica's id is derived from the source vault, the point and the destination vault
 *       ({@link PointIds#replicaId}), so every attempt writes the same point; a replica already published is
 *       returned as it is;</li>
 *   <li>the replica id is claimed in the destination ({@link PointClaims}): a second run of the same replication
 *       fails at once with a {@link coffer.vault.VaultBusyException} while one runs (else it would rewrite the
 *       first's indexes, and remove the published replica when it failed after its manifest); the replica is looked
 *       for again under the claim;</li>
 *   <li>the destination's shared lock is taken (gc there cannot sweep until the replica is published or given
 *       up); then the base: the nearest ancestor of the point (by its manifests' {@code parent}, at most
 *       {@link #BASE_SEARCH} back) whose replica the destination has, both indexes read and checked;</li>
 *   <li>each disk's index is built by {@link DiskCopier}: only what the destination lacks is read from the source
 *       and stored, re-hashed with the destination's chunk-id key and sealed with its key; where the destination
 *       is a remote store and no base replica exists, one listing of its chunks says what it has;</li>
 *   <li>every object that arrived is read back from the destination and checked (tag, digest, patch record);</li>
 *   <li>the replica is committed with the destination's barriers (indexes, read back; manifest, read back; the
 *       hold of an immutable replica after it). Until its manifest is published there is no replica: a cancelled,
 *       failed or killed replication leaves chunks for gc and an index that the next attempt overwrites.</li>
 * </ol>
 * The source is read like a restore reads (no lock): a point deleted from the source meanwhile fails the copy.
 * Failures of the destination are {@link ReplicaWriteException}s; of the source, the vault's own exceptions.
 *
 * <p>Stateless apart from its collaborators; thread-safe (each call works on its own state).
 */
public final class PointReplicator {
    /** How many ancestors of a point are looked at for a replica to start from. */
    static final int BASE_SEARCH = 32;

    private final Vault source;
    private final Vault destination;
    private final int threads;

    public PointReplicator(Vault source, Vault destination, int threads) {
        if (source.config().vaultId().equals(destination.config().vaultId())) {
            throw new IllegalArgumentException("source and destination are the same vault (" + source.config().vaultId() + ")");
        }
        this.source = source;
        this.destination = destination;
        this.threads = Math.max(Math.max(threads, 1), Math.max(source.backend().ioParallelism(),
                destination.backend().ioParallelism()));
    }

    /**
     * What to copy: the source point, the facts the replica's manifest records (the caller's: the source's facts
     * and where the replica came from; null: none), and when set, until when the replica is immutable.
     */
    public record Request(String pointId, JsonNode facts, Instant immutableUntil) {
        public Request {
            facts = facts == null ? null : facts.deepCopy();
        }
    }

    /**
     * What a replication did. {@code base}: the replica it started from (null: none); {@code reusedEntries}: index
     * entries taken from it unread; {@code newObjects}, {@code storedBytes}: chunks and patches stored in the
     * destination and their sealed size (what crossed to it); {@code readBytes}: plaintext read from the source;
     * {@code listed}: whether the destination's chunks were listed; {@code alreadyThere}: the replica existed, nothing
     * was copied.
     */
    public record Result(PointManifest replica, String base, long reusedEntries, long newObjects, long storedBytes,
                         long readBytes, boolean listed, boolean alreadyThere) {
    }

    /** The replica id of {@code pointId} in the destination. */
    public String replicaId(String pointId) {
        return PointIds.replicaId(source.config().vaultId(), pointId, destination.config().vaultId());
    }

    public Result replicate(Request request, Progress progress) throws IOException {
        // a cancelled run's cleanup is the writer's, then the claim's release: one patience for both against a store
        // that does not answer (docs/design/s3.md, "Cancel and stalls")
        try (AfterCancel.Run ignored = AfterCancel.run()) {
            return replicateInRun(request, progress);
        }
    }

    private Result replicateInRun(Request request, Progress progress) throws IOException {
        if (source.chunkSize() != destination.chunkSize()) {
            throw new IllegalArgumentException("the destination vault's chunk size (" + destination.chunkSize()
                    + " bytes) differs from the source's (" + source.chunkSize() + "); replicate into a vault of "
                    + source.chunkSize() + "-byte chunks");
        }
        PointManifest point = source.point(request.pointId());
        Destination target = new Destination(destination);
        String replicaId = replicaId(point.id());
        PointManifest existing = published(target, replicaId);
        if (existing != null) {
            progress.advance(point.logicalBytes());
            return new Result(existing, existing.parent(), 0, 0, 0, 0, false, true);
        }
        String purpose = "replication of point " + point.id();
        PointClaims.Claim claim = target.call(() -> destination.claims().take(replicaId, purpose));
        try {
            existing = published(target, replicaId); // by a run that ended between the look above and the claim
            if (existing != null) {
                progress.advance(point.logicalBytes());
                return new Result(existing, existing.parent(), 0, 0, 0, 0, false, true);
            }
            return copy(request, point, target, replicaId, purpose, progress);
        } finally {
            try {
                claim.close();
            } catch (IOException leftBehind) {
                // the claim goes stale; a published replica needs none (its next run returns it unclaimed), and a
                // failed run keeps its own failure
            }
        }
    }

    /** Copies {@code point} as replica {@code replicaId} under the run's claim. */
    private Result copy(Request request, PointManifest point, Destination target, String replicaId, String purpose,
                        Progress progress) throws IOException {
        // an earlier run of this replica that failed or was killed left its marker (this run's writer replaces it): what
        // it stored is the replica's too (docs/design/replication.md, "Stored bytes of a replica")
        java.time.Instant earlierSince = target.earlierAttemptSince(replicaId).orElse(null);
        try (PointWriter writer = target.call(() -> PointWriter.beginWithId(destination, replicaId, point.name(),
                point.createdAt(), threads, purpose))) {
            writer.verifyOnCommit();
            if (request.immutableUntil() != null) {
                writer.immutableUntil(request.immutableUntil());
            }
            Base base = base(target, point);
            Set<ChunkId> quarantined = target.call(destination::quarantinedMissing);
            Set<ChunkId> present = ConcurrentHashMap.newKeySet();
            boolean listed = false;
            DiskCopier.EarlierAttempt earlier = earlierSince == null ? null
                    : new DiskCopier.EarlierAttempt(earlierSince, new ConcurrentHashMap<>());
            if (!target.cheapStat()) {
                if (base != null) {
                    base.replicaIndexes().values().forEach(index -> index.addStoredIds(quarantined, present));
                } else {
                    var stored = target.listStored();
                    present.addAll(stored.keySet());
                    if (earlier != null) {
                        stored.forEach((id, info) -> {
                            if (!info.modified().isBefore(earlierSince)) {
                                earlier.listed().put(id, info.size());
                            }
                        });
                    }
                    listed = true;
                }
            }
            ConcurrentLinkedQueue<DiskCopier.Arrival> arrivals = new ConcurrentLinkedQueue<>();
            DiskCopier copier = new DiskCopier(source, target, threads, new ConcurrentHashMap<>(), present, quarantined,
                    arrivals, earlier);
            long reused = 0;
            long newObjects = 0;
            long stored = 0;
            long read = 0;
            for (PointManifest.Disk disk : point.disks()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("cancelled");
                }
                PointWriter.Slot slot = writer.reserve(disk.name());
                FixedIndex from = source.readIndex(point, disk);
                DiskCopier.Result copied = copier.copy(from, base == null ? null : base.pair(disk.name()), progress);
                target.call(() -> writer.addDisk(slot, copied.index(), new PointManifest.Disk(disk.name(), null, 0, 0,
                        null, copied.dataChunks(), copied.newObjects() + copied.earlierObjects(),
                        copied.newStoredBytes() + copied.earlierStoredBytes(), copied.readBytes(),
                        disk.source(), disk.sourceFormat())));
                reused += copied.reusedEntries();
                newObjects += copied.newObjects();
                stored += copied.newStoredBytes();
                read += copied.readBytes();
            }
            checkArrivals(target, arrivals);
            PointManifest replica = target.call(() -> writer.commit(point.consistency(),
                    base == null ? null : base.replicaId(), point.skipped(), request.facts()));
            return new Result(replica, base == null ? null : base.replicaId(), reused, newObjects, stored, read, listed,
                    false);
        }
    }

    /** The replica {@code id} when its manifest is published, else null. */
    private PointManifest published(Destination target, String id) throws IOException {
        return target.call(() -> {
            try {
                return destination.readManifestObject(Vault.manifestName(id));
            } catch (ObjectNotFoundException none) {
                return null;
            }
        });
    }

    /** The point a replica starts from: a source ancestor with its replica, both indexes of every disk. */
    private record Base(String replicaId, Map<String, FixedIndex> sourceIndexes, Map<String, FixedIndex> replicaIndexes) {
        DiskCopier.BasePair pair(String disk) {
            FixedIndex from = sourceIndexes.get(disk);
            FixedIndex replica = replicaIndexes.get(disk);
            return from == null || replica == null ? null : new DiskCopier.BasePair(from, replica);
        }
    }

    /**
     * The nearest ancestor of {@code point} whose replica is published in the destination (read under the
     * destination's shared lock: gc cannot take its chunks until this replica is published), or null.
     */
    private Base base(Destination target, PointManifest point) throws IOException {
        String parent = point.parent();
        for (int step = 0; step < BASE_SEARCH && parent != null && PointIds.isId(parent); step++) {
            PointManifest ancestor;
            try {
                ancestor = source.readManifestObject(Vault.manifestName(parent));
            } catch (ObjectNotFoundException deleted) {
                return null; // the chain is broken: nothing older can be found from here
            }
            PointManifest replica = published(target, replicaId(ancestor.id()));
            if (replica != null) {
                Map<String, FixedIndex> from = new HashMap<>();
                Map<String, FixedIndex> copies = new HashMap<>();
                for (PointManifest.Disk disk : ancestor.disks()) {
                    PointManifest.Disk copy = replica.disks().stream().filter(d -> d.name().equals(disk.name()))
                            .findFirst().orElse(null);
                    if (copy != null) {
                        from.put(disk.name(), source.readIndex(ancestor, disk));
                        copies.put(disk.name(), target.call(() -> destination.readIndex(replica, copy)));
                    }
                }
                return new Base(replica.id(), from, copies);
            }
            parent = ancestor.parent();
        }
        return null;
    }

    /** Reads back every object this run stored in the destination, on several threads. */
    private void checkArrivals(Destination target, ConcurrentLinkedQueue<DiskCopier.Arrival> arrivals) throws IOException {
        List<DiskCopier.Arrival> all = new ArrayList<>(arrivals);
        ChunkWorkers.run(all.size(), threads, destination.chunkSize(), (k, buffer) -> {
            DiskCopier.Arrival arrival = all.get(k);
            if (arrival.patch() == null) {
                target.checkChunk(arrival.id(), arrival.length(), buffer);
            } else {
                target.checkPatch(arrival.id(), arrival.patch(), arrival.length());
            }
        });
    }
}

package coffer.vault.maintenance;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.StaleRemoval;
import coffer.vault.UnfinishedMarker;
import coffer.vault.Vault;
import coffer.vault.VaultLocks;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.format.FixedIndex;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Removes what no point needs (docs/design/gc.md):
 * <ol>
 *   <li>mark: read every manifest and index, collect the live chunk ids, and list the chunk objects (no lock:
 *       reads only);</li>
 *   <li>take the exclusive vault lock: no backup is writing from here on;</li>
 *   <li>re-mark points published since step 1;</li>
 *   <li>sweep: delete the chunks of the step-1 listing that are not live and older than the grace period (for at
 *       most the sweep budget, when one is given, but at least a first small batch); delete objects of unfinished
 *       points (their {@link UnfinishedMarker} older than the grace period, no manifest, no running hold) and
 *       markers left beside a manifest; remove abandoned temporaries; remove stale claims and leases
 *       ({@link coffer.vault.PointClaims#removeStale}, {@link coffer.vault.PointLeases#removeStale}; one whose delete
 *       fails is left behind for this process's next operation on the vault and counted, not thrown: the run's work
 *       is done by then).</li>
 * </ol>
 * A point whose manifest does not read, and a lost point (its manifest gone: removed behind the vault's back, a
 * held point's too), keep what their indexes name (read without the manifest's checksum) and their objects: that
 * is what could bring them back. Listing the chunks before the lock is safe: a chunk missing from that listing is
 * younger than it and so kept, and whether a listed chunk is live is decided under the lock, after the re-mark,
 * when every manifest that can name it exists. So the lock is held only for the re-mark and the deletes, which a
 * budget bounds. An index that cannot be read stops gc before anything is deleted: what it references is unknown.
 *
 * <p>Stateless; thread-safe (runs serialize on the exclusive lock).
 */
public final class GarbageCollector {
    /** The first batch of deletes (every run makes at least this much progress), doubling up to {@link #MAX_BATCH}. */
    static final int FIRST_BATCH = 16;
    static final int MAX_BATCH = 1024;

    private final Vault vault;

    public GarbageCollector(Vault vault) {
        this.vault = vault;
    }

    /**
     * How one run goes.
     *
     * @param grace       unreferenced data younger than this is kept
     * @param lockWait    how long to wait for running backups before giving up ({@code VaultBusyException})
     * @param sweepBudget at most this long deleting chunks under the lock; null for no limit
     */
    public record Request(Duration grace, Duration lockWait, Duration sweepBudget) {
        public Request {
            Objects.requireNonNull(grace, "grace");
            Objects.requireNonNull(lockWait, "lockWait");
            if (grace.isNegative() || lockWait.isNegative() || sweepBudget != null && sweepBudget.isNegative()) {
                throw new IllegalArgumentException("gc durations must not be negative: " + this);
            }
        }
    }

    public GcReport collect(Duration grace, Duration lockWait) throws IOException {
        return collect(new Request(grace, lockWait, null));
    }

    public GcReport collect(Request request) throws IOException {
        Set<ChunkId> live = new HashSet<>();
        Set<String> marked = new HashSet<>();
        mark(vault.listPoints(), live, marked);
        List<ObjectInfo> chunks = vault.backend().list(Vault.CHUNKS);
        try (VaultLocks.Lock ignored = vault.locks().exclusive("gc sweep", request.lockWait())) {
            long locked = System.nanoTime();
            PointListing listing = vault.listPoints();
            mark(listing, live, marked);
            Instant cutoff = Instant.now().minus(request.grace());
            List<ObjectInfo> doomed = new ArrayList<>();
            long kept = 0;
            for (ObjectInfo info : chunks) {
                String hex = info.name().substring(info.name().lastIndexOf('/') + 1);
                boolean isLive = hex.length() == 64 && live.contains(ChunkId.ofHex(hex));
                if (isLive) {
                    continue;
                }
                if (info.modified().isBefore(cutoff)) {
                    doomed.add(info);
                } else {
                    kept++;
                }
            }
            long deadline = request.sweepBudget() == null ? Long.MAX_VALUE
                    : locked + Math.min(request.sweepBudget().toNanos(), Long.MAX_VALUE / 4);
            int swept = deleteWithin(doomed, deadline);
            long sweptBytes = doomed.subList(0, swept).stream().mapToLong(ObjectInfo::size).sum();
            int orphans = sweepUnfinished(listing, cutoff);
            int temporaries = vault.backend().removeAbandonedUploads(cutoff);
            StaleRemoval staleClaims = vault.claims().removeStale();
            StaleRemoval staleLeases = vault.leases().removeStale();
            vault.backend().sync();
            return new GcReport(listing.points().size(), live.size(), swept, sweptBytes, kept, orphans, temporaries,
                    heldWithoutManifest(listing), swept == doomed.size(), doomed.size() - swept,
                    Duration.ofNanos(System.nanoTime() - locked), listing.unreadable().size() + listing.lost().size(),
                    staleClaims.removed(), staleLeases.removed(), staleClaims.notRemoved() + staleLeases.notRemoved());
        }
    }

    /**
     * Deletes {@code doomed} in order, with as many calls in flight as the backend serves well (a round trip each
     * on S3), a batch at a time (the first {@link #FIRST_BATCH}, then doubling) until {@code deadline}
     * ({@link System#nanoTime}) passes; the first batch always goes, so every run makes progress. Returns how many.
     */
    private int deleteWithin(List<ObjectInfo> doomed, long deadline) throws IOException {
        int done = 0;
        int size = FIRST_BATCH;
        while (done < doomed.size() && (done == 0 || System.nanoTime() < deadline)) {
            List<ObjectInfo> batch = doomed.subList(done, Math.min(doomed.size(), done + size));
            ChunkWorkers.run(batch.size(), vault.backend().ioParallelism(), 0,
                    (i, unused) -> vault.backend().delete(batch.get(i).name()));
            done += batch.size();
            size = Math.min(MAX_BATCH, size * 2);
        }
        return done;
    }

    /** How many lost points still run a hold (docs/format/hold.md), judged by the vault's clock. */
    private int heldWithoutManifest(PointListing listing) throws IOException {
        Instant now = vault.now();
        int held = 0;
        for (PointListing.Lost lost : listing.lost()) {
            Instant until = vault.readHold(lost.pointId());
            if (until != null && now.isBefore(until)) {
                held++;
            }
        }
        return held;
    }

    /**
     * Removes the objects of unfinished points whose marker is older than {@code cutoff} and that no running hold
     * keeps (their markers last, after a barrier), and markers older than it left beside a manifest (a writer that
     * died after publishing). Returns how many objects.
     */
    private int sweepUnfinished(PointListing listing, Instant cutoff) throws IOException {
        Set<String> unfinished = new HashSet<>(listing.unfinished());
        Instant now = vault.now();
        int removed = 0;
        List<String> markers = new ArrayList<>();
        for (String id : listing.unfinished()) {
            String marker = UnfinishedMarker.objectName(id);
            Optional<ObjectInfo> info = vault.backend().stat(marker);
            if (info.isEmpty() || !info.get().modified().isBefore(cutoff) || vault.backend().exists(Vault.manifestName(id))) {
                continue; // finished meanwhile, or still young: maybe being written
            }
            Instant until = vault.readHold(id);
            if (until != null && now.isBefore(until)) {
                continue; // held: kept whole
            }
            for (ObjectInfo object : vault.backend().list(Vault.POINTS + id + "/")) {
                if (!object.name().equals(marker)) {
                    vault.backend().delete(object.name());
                    removed++;
                }
            }
            markers.add(marker);
        }
        if (!markers.isEmpty()) {
            // the removals durable before the markers': a power loss must not keep only a marker's (a "lost" point)
            vault.backend().sync();
        }
        for (String marker : markers) {
            vault.backend().delete(marker);
            removed++;
        }
        for (PointManifest point : listing.points()) {
            String marker = UnfinishedMarker.objectName(point.id());
            if (!unfinished.contains(point.id())) {
                Optional<ObjectInfo> info = vault.backend().stat(marker);
                if (info.isPresent() && info.get().modified().isBefore(cutoff)) {
                    vault.backend().delete(marker);
                    removed++;
                }
            }
        }
        return removed;
    }

    private void mark(PointListing listing, Set<ChunkId> live, Set<String> marked) throws IOException {
        for (PointManifest point : listing.points()) {
            if (!marked.add(point.id())) {
                continue;
            }
            for (PointManifest.Disk disk : point.disks()) {
                markIndex(vault.readIndex(point, disk), live);
            }
        }
        List<String> objectsOfDamagedPoints = new ArrayList<>();
        for (PointListing.Unreadable damaged : listing.unreadable()) {
            vault.backend().list(Vault.POINTS + damaged.pointId() + "/").forEach(o -> objectsOfDamagedPoints.add(o.name()));
        }
        for (PointListing.Lost lost : listing.lost()) {
            objectsOfDamagedPoints.addAll(lost.objects());
        }
        for (String object : objectsOfDamagedPoints) {
            if (object.endsWith(".fidx") && marked.add(object)) {
                try {
                    markIndex(vault.readIndexObject(object), live);
                } catch (ObjectNotFoundException deleted) {
                    // its point was deleted meanwhile
                }
            }
        }
    }

    private static void markIndex(FixedIndex index, Set<ChunkId> live) {
        for (int i = 0; i < index.chunkCount(); i++) {
            ChunkId id = index.get(i);
            if (!id.isZero()) {
                live.add(id);
            }
            FixedIndex.Patched patched = index.patchOf(i);
            if (patched != null) {
                live.add(patched.base());
            }
        }
    }
}

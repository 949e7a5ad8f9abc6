package coffer.vault.maintenance;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.JitWarmup;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Re-reads points: every index (checksum against its manifest) and every referenced chunk once, whatever
 * the number of points referencing it (authentication tag or CRC, decompression, and the digest
 * recomputed), or only the chunks of one {@link ChunkSample} slice. Damage is reported per point, disk and
 * byte range. Reads only and takes no lock: safe beside every other operation, backups included
 * (docs/design/locking.md). In two steps, so that a caller learns the bytes to read before reading them:
 * {@link #plan} reads the indexes, {@link #check} the chunks. Interrupting the calling thread cancels either
 * ({@link InterruptedIOException}).
 *
 * <p>Stateless; thread-safe.
 */
public final class Verifier {
    private final Vault vault;
    private final int threads;

    public Verifier(Vault vault, int threads) {
        this.vault = vault;
        this.threads = Math.max(threads, vault.backend().ioParallelism()); // a remote store's round trips overlap
    }

    /**
     * Verifies every point of {@code listing}, and reports its points whose manifest does not read and its lost
     * points (manifest gone, indexes left) as damaged points.
     */
    public VerifyReport verify(PointListing listing, Progress progress) throws IOException {
        return verify(listing.points(), progress).with(wholePoints(listing));
    }

    /** The points of {@code listing} damaged as a whole: their manifest does not read, or is lost. */
    public static List<PointDamage> wholePoints(PointListing listing) {
        List<PointDamage> points = new ArrayList<>();
        for (PointListing.Unreadable u : listing.unreadable()) {
            points.add(new PointDamage(u.pointId(), u.object(), "manifest cannot be read: " + u.problem()));
        }
        for (PointListing.Lost lost : listing.lost()) {
            points.add(new PointDamage(lost.pointId(), Vault.manifestName(lost.pointId()), "manifest is missing while "
                    + lost.objects().size() + " object(s) of the point remain (" + String.join(", ", lost.objects())
                    + "): the point was published and its manifest lost"));
        }
        return points;
    }

    /** A full verify of {@code points}: {@link #plan} with every chunk, then {@link #check}. */
    public VerifyReport verify(List<PointManifest> points, Progress progress) throws IOException {
        return check(plan(points, ChunkSample.all()), progress);
    }

    /**
     * What a run will read: the indexes of {@code points} (read and checked now; an index that cannot be read is
     * damage over its whole disk), and of the objects they name those {@code sample} selects, each once.
     */
    public VerifyPlan plan(List<PointManifest> points, ChunkSample sample) throws IOException {
        List<Damage> damage = new ArrayList<>();
        Map<String, FixedIndex> indexes = new LinkedHashMap<>();
        // every object once: a chunk with its length, or a patch with its index record
        Map<ChunkId, VerifyPlan.Expected> selected = new LinkedHashMap<>();
        long bytes = 0;
        for (PointManifest point : points) {
            for (PointManifest.Disk disk : point.disks()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("verify cancelled");
                }
                try {
                    FixedIndex index = vault.readIndex(point, disk);
                    indexes.put(VerifyPlan.key(point, disk), index);
                    for (int i = 0; i < index.chunkCount(); i++) {
                        ChunkId id = index.get(i);
                        FixedIndex.Patched patched = index.patchOf(i);
                        if (patched != null && sample.contains(patched.base())
                                && selected.putIfAbsent(patched.base(), new VerifyPlan.Expected(index.lengthOf(i), null)) == null) {
                            bytes += index.lengthOf(i);
                        }
                        if (!id.isZero() && sample.contains(id)
                                && selected.putIfAbsent(id, new VerifyPlan.Expected(index.lengthOf(i), patched)) == null) {
                            bytes += patched == null ? index.lengthOf(i) : patched.bytes();
                        }
                    }
                } catch (CorruptDataException | UnsupportedFormatException e) {
                    damage.add(new Damage(point.id(), disk.name(), 0, disk.size(), disk.index(), e.getMessage()));
                }
            }
        }
        return new VerifyPlan(List.copyOf(points), sample, indexes, selected, bytes, damage);
    }

    /** Reads and checks the objects {@code plan} selected; {@code progress} advances by their logical bytes. */
    public VerifyReport check(VerifyPlan plan, Progress progress) throws IOException {
        List<Damage> damage = Collections.synchronizedList(new ArrayList<>(plan.indexDamage()));
        List<ChunkId> objects = new ArrayList<>(plan.selected().keySet());
        if (objects.size() > 48) {
            JitWarmup.ensure(vault);
        }
        Map<ChunkId, String> bad = new ConcurrentHashMap<>();
        AtomicLong bytes = new AtomicLong();
        ChunkWorkers.run(objects.size(), threads, vault.chunkSize(), (i, buffer) -> {
            ChunkId id = objects.get(i);
            VerifyPlan.Expected expected = plan.selected().get(id);
            try {
                if (expected.patch() == null) {
                    int length = vault.readChunk(id, buffer, true);
                    if (length != expected.length()) {
                        bad.put(id, "chunk holds " + length + " bytes where the index needs " + expected.length());
                    }
                    bytes.addAndGet(length);
                } else {
                    bytes.addAndGet(vault.readPatch(id, expected.patch(), expected.length(), true).patchedBytes());
                }
            } catch (CorruptDataException | UnsupportedFormatException e) {
                bad.put(id, e.getMessage());
            }
            progress.advance(expected.patch() == null ? expected.length() : expected.patch().bytes());
        });
        if (!bad.isEmpty()) {
            locate(plan, bad, damage);
        }
        return new VerifyReport(plan.points().size(), objects.size(), bytes.get(), List.copyOf(damage));
    }

    /** Every range of every point whose chunk (or a patch's base) is in {@code bad}. */
    private static void locate(VerifyPlan plan, Map<ChunkId, String> bad, List<Damage> damage) {
        for (PointManifest point : plan.points()) {
            for (PointManifest.Disk disk : point.disks()) {
                FixedIndex index = plan.indexes().get(VerifyPlan.key(point, disk));
                if (index == null) {
                    continue;
                }
                for (int i = 0; i < index.chunkCount(); i++) {
                    FixedIndex.Patched patched = index.patchOf(i);
                    for (ChunkId id : patched == null ? List.of(index.get(i)) : List.of(index.get(i), patched.base())) {
                        String problem = bad.get(id);
                        if (problem != null) {
                            damage.add(new Damage(point.id(), disk.name(), (long) i * index.chunkSize(), index.lengthOf(i),
                                    id.objectName(), problem));
                        }
                    }
                }
            }
        }
    }
}

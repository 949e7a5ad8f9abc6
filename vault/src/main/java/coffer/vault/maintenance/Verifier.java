package coffer.vault.maintenance;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.JitWarmup;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;

import java.io.IOException;
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
 * recomputed). Damage is reported per point, disk and byte range. Reads only; safe beside every other
 * operation.
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
        List<PointDamage> points = new ArrayList<>();
        for (PointListing.Unreadable u : listing.unreadable()) {
            points.add(new PointDamage(u.pointId(), u.object(), "manifest cannot be read: " + u.problem()));
        }
        for (PointListing.Lost lost : listing.lost()) {
            points.add(new PointDamage(lost.pointId(), Vault.manifestName(lost.pointId()), "manifest is missing while "
                    + lost.objects().size() + " object(s) of the point remain (" + String.join(", ", lost.objects())
                    + "): the point was published and its manifest lost"));
        }
        return verify(listing.points(), progress).with(points);
    }

    public VerifyReport verify(List<PointManifest> points, Progress progress) throws IOException {
        List<Damage> damage = Collections.synchronizedList(new ArrayList<>());
        Map<String, FixedIndex> indexes = new LinkedHashMap<>();
        // every object once: a chunk with its length, or a patch with its index record
        Map<ChunkId, Expected> unique = new LinkedHashMap<>();
        for (PointManifest point : points) {
            for (PointManifest.Disk disk : point.disks()) {
                try {
                    FixedIndex index = vault.readIndex(point, disk);
                    indexes.put(point.id() + "\0" + disk.name(), index);
                    for (int i = 0; i < index.chunkCount(); i++) {
                        ChunkId id = index.get(i);
                        FixedIndex.Patched patched = index.patchOf(i);
                        if (patched != null) {
                            unique.putIfAbsent(patched.base(), new Expected(index.lengthOf(i), null));
                        }
                        if (!id.isZero()) {
                            unique.putIfAbsent(id, new Expected(index.lengthOf(i), patched));
                        }
                    }
                } catch (IOException e) {
                    damage.add(new Damage(point.id(), disk.name(), 0, disk.size(), disk.index(), e.getMessage()));
                }
            }
        }
        List<ChunkId> objects = new ArrayList<>(unique.keySet());
        if (objects.size() > 48) {
            JitWarmup.ensure(vault);
        }
        Map<ChunkId, String> bad = new ConcurrentHashMap<>();
        AtomicLong bytes = new AtomicLong();
        ChunkWorkers.run(objects.size(), threads, vault.chunkSize(), (i, buffer) -> {
            ChunkId id = objects.get(i);
            Expected expected = unique.get(id);
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
            } catch (coffer.vault.CorruptDataException | coffer.vault.UnsupportedFormatException e) {
                bad.put(id, e.getMessage());
            }
            progress.advance(expected.patch() == null ? expected.length() : expected.patch().bytes());
        });
        if (!bad.isEmpty()) {
            for (PointManifest point : points) {
                for (PointManifest.Disk disk : point.disks()) {
                    FixedIndex index = indexes.get(point.id() + "\0" + disk.name());
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
        return new VerifyReport(points.size(), objects.size(), bytes.get(), damage, List.of());
    }

    /** What the indexes expect of an object: a chunk of {@code length} bytes, or a patch ({@code patch} set). */
    private record Expected(int length, FixedIndex.Patched patch) {
    }
}

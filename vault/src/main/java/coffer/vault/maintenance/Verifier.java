package coffer.vault.maintenance;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.JitWarmup;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
        this.threads = threads;
    }

    public VerifyReport verify(List<PointManifest> points, Progress progress) throws IOException {
        List<Damage> damage = Collections.synchronizedList(new ArrayList<>());
        Map<String, FixedIndex> indexes = new LinkedHashMap<>();
        LinkedHashSet<ChunkId> unique = new LinkedHashSet<>();
        Map<ChunkId, Integer> lengths = new java.util.HashMap<>();
        for (PointManifest point : points) {
            for (PointManifest.Disk disk : point.disks()) {
                try {
                    FixedIndex index = vault.readIndex(point, disk);
                    indexes.put(point.id() + "\0" + disk.name(), index);
                    for (int i = 0; i < index.chunkCount(); i++) {
                        ChunkId id = index.get(i);
                        if (!id.isZero() && unique.add(id)) {
                            lengths.put(id, index.lengthOf(i));
                        }
                    }
                } catch (IOException e) {
                    damage.add(new Damage(point.id(), disk.name(), 0, disk.size(), disk.index(), e.getMessage()));
                }
            }
        }
        List<ChunkId> chunks = new ArrayList<>(unique);
        if (chunks.size() > 48) {
            JitWarmup.ensure(vault);
        }
        Map<ChunkId, String> bad = new ConcurrentHashMap<>();
        AtomicLong bytes = new AtomicLong();
        ChunkWorkers.run(chunks.size(), threads, vault.chunkSize(), (i, buffer) -> {
            ChunkId id = chunks.get(i);
            try {
                int length = vault.readChunk(id, buffer, true);
                if (length != lengths.get(id)) {
                    bad.put(id, "chunk holds " + length + " bytes where the index needs " + lengths.get(id));
                }
                bytes.addAndGet(length);
            } catch (coffer.vault.CorruptDataException e) {
                bad.put(id, e.getMessage());
            }
            progress.advance(lengths.get(id));
        });
        if (!bad.isEmpty()) {
            for (PointManifest point : points) {
                for (PointManifest.Disk disk : point.disks()) {
                    FixedIndex index = indexes.get(point.id() + "\0" + disk.name());
                    if (index == null) {
                        continue;
                    }
                    for (int i = 0; i < index.chunkCount(); i++) {
                        String problem = bad.get(index.get(i));
                        if (problem != null) {
                            damage.add(new Damage(point.id(), disk.name(), (long) i * index.chunkSize(), index.lengthOf(i),
                                    index.get(i).objectName(), problem));
                        }
                    }
                }
            }
        }
        return new VerifyReport(points.size(), chunks.size(), bytes.get(), List.copyOf(damage));
    }
}

package coffer.vault.maintenance;

import coffer.vault.ChunkId;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.format.FixedIndex;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Computes {@link VaultStats} from the manifests, indexes and the chunk listing. Reads only. Thread-safe. */
public final class StatsCollector {
    private final Vault vault;

    public StatsCollector(Vault vault) {
        this.vault = vault;
    }

    public VaultStats collect() throws IOException {
        List<PointManifest> points = vault.points();
        Map<ChunkId, Integer> unique = new HashMap<>();
        long logical = 0;
        long data = 0;
        List<VaultStats.PointStats> perPoint = new ArrayList<>();
        for (PointManifest point : points) {
            List<VaultStats.DiskStats> disks = new ArrayList<>();
            for (PointManifest.Disk disk : point.disks()) {
                FixedIndex index = vault.readIndex(point, disk);
                logical += index.diskSize();
                for (int i = 0; i < index.chunkCount(); i++) {
                    ChunkId id = index.get(i);
                    FixedIndex.Patched patched = index.patchOf(i);
                    if (patched != null) {
                        unique.putIfAbsent(patched.base(), index.lengthOf(i));
                    }
                    if (!id.isZero()) {
                        data += index.lengthOf(i);
                        unique.putIfAbsent(id, patched == null ? index.lengthOf(i) : patched.bytes());
                    }
                }
                disks.add(new VaultStats.DiskStats(disk.name(), disk.size(), disk.dataChunks(), disk.newChunks(),
                        disk.newStoredBytes()));
            }
            perPoint.add(new VaultStats.PointStats(point.id(), point.name(), point.createdAt(), point.logicalBytes(), disks));
        }
        long uniqueBytes = unique.values().stream().mapToLong(Integer::longValue).sum();
        long stored = 0;
        long unreferenced = 0;
        long unreferencedBytes = 0;
        for (ObjectInfo info : vault.backend().list(Vault.CHUNKS)) {
            String hex = info.name().substring(info.name().lastIndexOf('/') + 1);
            if (hex.length() == 64 && unique.containsKey(ChunkId.ofHex(hex))) {
                stored += info.size();
            } else {
                unreferenced++;
                unreferencedBytes += info.size();
            }
        }
        return new VaultStats(points.size(), logical, data, unique.size(), uniqueBytes, stored, unreferenced,
                unreferencedBytes, perPoint);
    }
}

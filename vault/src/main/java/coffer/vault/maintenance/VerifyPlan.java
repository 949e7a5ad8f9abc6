package coffer.vault.maintenance;

import coffer.vault.ChunkId;
import coffer.vault.PointManifest;
import coffer.vault.format.FixedIndex;

import java.util.List;
import java.util.Map;

/**
 * What one verify run reads ({@link Verifier#plan}): the points, their indexes (read and checked), the objects the
 * sample selected with what their indexes expect of them, the logical bytes those cover, and the indexes already
 * found damaged. Immutable once made (the maps are not copied: only {@link Verifier} makes and reads them).
 */
public record VerifyPlan(List<PointManifest> points, ChunkSample sample, Map<String, FixedIndex> indexes,
                         Map<ChunkId, Expected> selected, long selectedBytes, List<Damage> indexDamage) {

    public VerifyPlan {
        indexDamage = List.copyOf(indexDamage);
    }

    /** Objects {@link Verifier#check} will read. */
    public int selectedObjects() {
        return selected.size();
    }

    /** What the indexes expect of an object: a chunk of {@code length} bytes, or a patch ({@code patch} set). */
    record Expected(int length, FixedIndex.Patched patch) {
    }

    static String key(PointManifest point, PointManifest.Disk disk) {
        return point.id() + "\0" + disk.name();
    }
}

package coffer.vault.write;

import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;

import java.util.List;

/**
 * What a disk's new index may start from: the same disk's index in an earlier point, verified against
 * that point's manifest, and optionally the extents changed since (from a dirty bitmap).
 *
 * <p>With {@code changed == null} every chunk is read again and the base only saves storing chunks
 * whose content did not change. With {@code changed} given, chunks outside it are taken from the base
 * unread; the caller vouches that the base is the disk's exact state at the bitmap's start.
 *
 * <p>{@code pointId} names the point the base index belongs to. The writer uses the base only if that
 * point still exists once the writer holds the vault's shared lock: then gc cannot have removed the
 * base's chunks, and cannot until the writer is done. Immutable.
 */
public record DiskBase(String pointId, FixedIndex index, List<Extent> changed) {
    public static DiskBase dedupAgainst(String pointId, FixedIndex index) {
        return new DiskBase(pointId, index, null);
    }
}

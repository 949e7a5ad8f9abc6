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
 * unread; the caller vouches that the base is the disk's exact state at the bitmap's start. Immutable.
 */
public record DiskBase(FixedIndex index, List<Extent> changed) {
    public static DiskBase dedupAgainst(FixedIndex index) {
        return new DiskBase(index, null);
    }
}

package coffer.engine.instance;

import coffer.vault.format.FixedIndex;
import coffer.virt.domain.DiskSpec;

import java.util.Set;

/**
 * Decides, per disk, whether a backup may be incremental, from facts only (docs/design/change-tracking.md).
 * An incremental needs all of: a previous point of this instance with this disk whose index matched its
 * manifest; that point's checkpoint still known to libvirt, keeping a bitmap for this disk; that bitmap
 * present and consistent in QEMU (or in the qcow2 file when the domain is off); the same disk size.
 * Anything else reads the disk in full (still deduplicated against the previous index), with the reason,
 * so an incremental is never built on a wrong base.
 *
 * <p>Stateless; a pure function, tested by tables.
 */
public final class ChangeTracking {
    private ChangeTracking() {
    }

    /**
     * What is known about one disk.
     *
     * @param previousPoint   the newest earlier point of the instance, or null
     * @param previousIndex   that point's index of this disk, verified; null if absent or damaged
     * @param indexProblem    why the index could not be used, when it exists but is damaged
     * @param checkpoint      the checkpoint that point created, or null
     * @param libvirtCheckpoints the checkpoints libvirt has for the domain
     * @param checkpointBitmapDisks the disks {@code checkpoint} keeps a bitmap for (empty if unknown)
     * @param bitmaps         the consistent bitmaps QEMU (or the qcow2 file) has on this disk
     * @param currentSize     the disk's size now, or -1 when it is checked later (running domains: against
     *                        the NBD export, reading the disk whole if it changed)
     */
    public record Facts(DiskSpec disk, String previousPoint, FixedIndex previousIndex, String indexProblem,
                        String checkpoint, Set<String> libvirtCheckpoints, Set<String> checkpointBitmapDisks,
                        Set<String> bitmaps, long currentSize) {
    }

    public static DiskPlan plan(Facts f) {
        String target = f.disk().target();
        if (f.previousPoint() == null) {
            return DiskPlan.full(target, null, null, null);
        }
        if (f.previousIndex() == null) {
            return DiskPlan.full(target, f.indexProblem() != null ? "previous index unusable: " + f.indexProblem()
                    : "first backup of this disk (not in point " + f.previousPoint() + ")", null, null);
        }
        String reason = fullReason(f);
        if (reason != null) {
            return DiskPlan.full(target, reason, f.previousPoint(), f.previousIndex());
        }
        return DiskPlan.incremental(target, f.previousPoint(), f.previousIndex(), f.checkpoint());
    }

    private static String fullReason(Facts f) {
        if (!f.disk().bitmapCapable()) {
            return f.disk().formatOrRaw() + " disk: no persistent dirty bitmap, read in full and deduplicated";
        }
        if (f.currentSize() >= 0 && f.previousIndex().diskSize() != f.currentSize()) {
            return "disk size changed from " + f.previousIndex().diskSize() + " to " + f.currentSize() + " bytes";
        }
        if (f.checkpoint() == null) {
            return "previous point " + f.previousPoint() + " created no checkpoint";
        }
        if (!f.libvirtCheckpoints().contains(f.checkpoint())) {
            return "checkpoint " + f.checkpoint() + " no longer exists in libvirt";
        }
        if (!f.checkpointBitmapDisks().contains(f.disk().target())) {
            return "checkpoint " + f.checkpoint() + " keeps no bitmap for this disk (added after it)";
        }
        if (!f.bitmaps().contains(f.checkpoint())) {
            return "QEMU has no consistent bitmap " + f.checkpoint() + " on this disk (restarted, crashed or removed)";
        }
        return null;
    }
}

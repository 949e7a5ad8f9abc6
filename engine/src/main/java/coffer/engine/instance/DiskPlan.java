package coffer.engine.instance;

import coffer.vault.format.FixedIndex;

/**
 * How one disk is read in a backup. {@code INCREMENTAL}: only the ranges QEMU's dirty bitmap for
 * {@code checkpoint} marks, the rest taken from {@code base}. {@code FULL}: every allocated range, with
 * {@code base} (when there is one) only saving the storing of unchanged chunks. Immutable.
 *
 * @param reason why a disk with a previous point is read in full; null when incremental or first
 */
public record DiskPlan(String target, Mode mode, String reason, String basePoint, FixedIndex base, String checkpoint) {
    public enum Mode { FULL, INCREMENTAL }

    public static DiskPlan full(String target, String reason, String basePoint, FixedIndex base) {
        return new DiskPlan(target, Mode.FULL, reason, basePoint, base, null);
    }

    public static DiskPlan incremental(String target, String basePoint, FixedIndex base, String checkpoint) {
        return new DiskPlan(target, Mode.INCREMENTAL, null, basePoint, base, checkpoint);
    }

    public boolean incremental() {
        return mode == Mode.INCREMENTAL;
    }
}

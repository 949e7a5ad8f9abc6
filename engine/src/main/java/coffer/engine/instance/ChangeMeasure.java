package coffer.engine.instance;

import java.util.List;

/**
 * What one backup found changed in its instance's disks, the facts a change-rate or entropy alert is judged on
 * (docs/design/assurance.md). Known per disk before its data is read: the bytes the dirty bitmap covers; after:
 * what was stored anew and how well it compressed. Disks read in full (first point, broken chain) are listed but
 * count in no sum: a full read says nothing of how much the guest wrote since the previous point.
 *
 * <p>Immutable; thread-safe.
 */
public record ChangeMeasure(List<Disk> disks) {
    public ChangeMeasure {
        disks = List.copyOf(disks);
    }

    /**
     * One disk.
     *
     * @param incremental    whether it was read through a dirty bitmap
     * @param changedBytes   the bytes the dirty bitmap covered (of an incremental), else 0
     * @param newBytes       plaintext of the objects this backup stored anew for it (of a patch: its body)
     * @param newStoredBytes what those became in the vault (compressed when that helped, encrypted)
     */
    public record Disk(String disk, boolean incremental, long changedBytes, long newBytes, long newStoredBytes) {
    }

    /** Whether any disk was read incrementally: only then is this a measure of change. */
    public boolean incremental() {
        return disks.stream().anyMatch(Disk::incremental);
    }

    /** The bytes the dirty bitmaps of the incrementally read disks covered. */
    public long changedBytes() {
        return disks.stream().filter(Disk::incremental).mapToLong(Disk::changedBytes).sum();
    }

    /** The plaintext stored anew for the incrementally read disks. */
    public long newBytes() {
        return disks.stream().filter(Disk::incremental).mapToLong(Disk::newBytes).sum();
    }

    /** What that plaintext became in the vault. */
    public long newStoredBytes() {
        return disks.stream().filter(Disk::incremental).mapToLong(Disk::newStoredBytes).sum();
    }
}

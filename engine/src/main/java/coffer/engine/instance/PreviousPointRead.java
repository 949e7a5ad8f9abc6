package coffer.engine.instance;

import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The vault's side of a backup's plan, read on a thread of its own while the backup asks libvirt for the rest
 * (the domain's XML, checkpoints, QEMU's bitmaps, the scratch images): the instance's newest point and the index
 * of each of its disks an incremental may start from. Both sides are round trips (files and decryption here,
 * libvirtd and QEMU there), so overlapping them shortens a command-line incremental's serial start
 * (docs/performance.md, "Session 12").
 *
 * <p>Stateless; the read runs as a {@link BackgroundRead}.
 */
final class PreviousPointRead {
    /**
     * The newest point of the instance (null: none) and, per disk of it that was read, its index, or why the
     * index could not be used (a damaged index: the disk is read in full, with the reason).
     */
    record Base(PointManifest point, Map<String, FixedIndex> indexes, Map<String, String> problems) {
        static final Base NONE = new Base(null, Map.of(), Map.of());
    }

    private PreviousPointRead() {
    }

    /**
     * Starts reading the newest point whose instance has {@code uuid}, and the indexes of its disks named in
     * {@code disks} (all of them when empty), from the vault {@code vault} gives once it is open (its failure to open
     * is the read's).
     */
    static BackgroundRead<Base> start(Supplier<Vault> vault, String uuid, Set<String> disks) {
        return BackgroundRead.start("previous-point", () -> read(vault.get(), uuid, disks));
    }

    /** The same read on the calling thread (an in-place restore's quick rollback: {@link QuickRollback}). */
    static Base read(Vault vault, String uuid, Set<String> disks) throws IOException {
        PointManifest previous = vault.newest(point -> uuid.equals(PointFacts.of(point).uuid()));
        if (previous == null) {
            return Base.NONE;
        }
        Map<String, FixedIndex> indexes = new HashMap<>();
        Map<String, String> problems = new HashMap<>();
        for (PointManifest.Disk disk : previous.disks()) {
            if (disks.isEmpty() || disks.contains(disk.name())) {
                try {
                    indexes.put(disk.name(), vault.readIndex(previous, disk));
                } catch (CorruptDataException e) {
                    problems.put(disk.name(), e.getMessage());
                }
            }
        }
        return new Base(previous, indexes, problems);
    }
}

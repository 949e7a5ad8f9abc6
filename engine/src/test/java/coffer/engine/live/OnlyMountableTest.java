package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.virt.guestfs.Filesystem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Browsing a disk without choosing a file system: the only one that can be browsed is taken; a disk with none says so
 * (it read "filesystem: choose one of the disk's file systems []", session 19's walk), one with several names them and
 * the option that chooses.
 */
class OnlyMountableTest {

    @Test
    void theOnlyBrowsableFileSystemIsTaken() {
        assertEquals("/dev/sda2", PointBrowse.onlyMountable(List.of(new Filesystem("/dev/sda1", "swap"),
                new Filesystem("/dev/sda2", "ext4"))));
    }

    @Test
    void aDiskWithNoneSaysSo() {
        CofferException none = assertThrows(CofferException.class, () -> PointBrowse.onlyMountable(List.of()));
        assertEquals(ErrorCode.InvalidArgument, none.code());
        assertEquals("filesystem: the disk holds no file system that can be browsed; browse another disk of the point",
                none.getMessage());
        CofferException swapOnly = assertThrows(CofferException.class,
                () -> PointBrowse.onlyMountable(List.of(new Filesystem("/dev/sda", "swap"))));
        assertEquals("filesystem: the disk holds no file system that can be browsed (found: /dev/sda (swap)); browse"
                + " another disk of the point", swapOnly.getMessage());
    }

    @Test
    void aDiskWithSeveralNamesThemAndTheOption() {
        CofferException several = assertThrows(CofferException.class, () -> PointBrowse.onlyMountable(List.of(
                new Filesystem("/dev/sda1", "ext4"), new Filesystem("/dev/sda2", "xfs"))));
        assertEquals("filesystem: the disk holds 2 file systems: /dev/sda1 (ext4), /dev/sda2 (xfs); choose one"
                + " (--fs DEVICE; API: filesystem)", several.getMessage());
    }
}

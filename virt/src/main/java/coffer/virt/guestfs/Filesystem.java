package coffer.virt.guestfs;

/**
 * A file system libguestfs found on the disk: the appliance's device name ({@code /dev/sda1}, or {@code /dev/sda}
 * for a disk without a partition table) and its type ({@code ext4}, {@code xfs}, {@code vfat}, {@code swap},
 * {@code unknown}). Immutable.
 */
public record Filesystem(String device, String type) {
    /** Whether it is a file system that can be mounted and browsed (not swap, not unrecognised). */
    public boolean mountable() {
        return !type.equals("swap") && !type.equals("unknown");
    }
}

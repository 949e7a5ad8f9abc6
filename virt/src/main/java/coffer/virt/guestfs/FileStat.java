package coffer.virt.guestfs;

import java.time.Instant;

/**
 * What {@code lstat} says of a path inside a guest file system (symbolic links are not followed).
 *
 * <p>Immutable; thread-safe.
 *
 * @param mode  the POSIX mode: type bits and permissions
 * @param size      bytes (a link: the length of its target)
 * @param allocated the bytes its file system stores for it ({@code st_blocks} × 512): below {@code size} for a sparse
 *                  file (holes), a compressed one or one stored inline; reading it still gives {@code size} bytes
 */
public record FileStat(long mode, long size, long uid, long gid, long links, Instant accessed, Instant modified,
                       Instant changed, long allocated) {
    private static final long S_IFMT = 0170000;

    /** The kinds of file a stat can describe. */
    public enum Type { FILE, DIRECTORY, SYMLINK, CHARACTER_DEVICE, BLOCK_DEVICE, FIFO, SOCKET, UNKNOWN }

    public Type type() {
        return switch ((int) (mode & S_IFMT)) {
            case 0100000 -> Type.FILE;
            case 0040000 -> Type.DIRECTORY;
            case 0120000 -> Type.SYMLINK;
            case 0020000 -> Type.CHARACTER_DEVICE;
            case 0060000 -> Type.BLOCK_DEVICE;
            case 0010000 -> Type.FIFO;
            case 0140000 -> Type.SOCKET;
            default -> Type.UNKNOWN;
        };
    }

    /**
     * The bytes a read of the whole file returns beyond what its file system stores ({@code size - allocated}, at
     * least 0): holes of a sparse file read as zeros, compressed data read expanded.
     */
    public long unallocated() {
        return Math.max(0, size - allocated);
    }

    /** The permission bits (including set-uid, set-gid and sticky). */
    public int permissions() {
        return (int) (mode & 07777);
    }
}

package coffer.vault.io;

/**
 * A byte range {@code [offset, offset + length)} of a disk.
 *
 * <p>Immutable; thread-safe.
 */
public record Extent(long offset, long length) {
    public Extent {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative extent: offset=" + offset + " length=" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}

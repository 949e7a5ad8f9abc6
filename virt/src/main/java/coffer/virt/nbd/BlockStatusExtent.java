package coffer.virt.nbd;

/**
 * One extent of an {@code NBD_CMD_BLOCK_STATUS} reply for one meta context: a byte range of the export and the
 * context's flags for it (see {@link MetaContext} for the flags of the known contexts).
 *
 * <p>Immutable; thread-safe.
 */
public record BlockStatusExtent(long offset, long length, int flags) {
    public BlockStatusExtent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad extent offset=" + offset + " length=" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}

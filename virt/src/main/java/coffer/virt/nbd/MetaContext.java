package coffer.virt.nbd;

/**
 * Names and flags of the NBD meta contexts Coffer uses with {@code NBD_CMD_BLOCK_STATUS}.
 *
 * <p>Stateless; thread-safe.
 */
public final class MetaContext {
    private MetaContext() {
    }

    /** Allocation of the export: holes and ranges that read as zeros. */
    public static final String BASE_ALLOCATION = "base:allocation";
    /** {@link #BASE_ALLOCATION} flag: the range is not allocated. */
    public static final int STATE_HOLE = 1;
    /** {@link #BASE_ALLOCATION} flag: the range reads as zeros. */
    public static final int STATE_ZERO = 1 << 1;
    /** Flag of a {@link #dirtyBitmap} context: the range changed since the bitmap was started. */
    public static final int STATE_DIRTY = 1;

    private static final String DIRTY_BITMAP_PREFIX = "qemu:dirty-bitmap:";

    /** The context QEMU exports for a dirty bitmap, e.g. {@code qemu:dirty-bitmap:backup-vda}. */
    public static String dirtyBitmap(String bitmap) {
        if (bitmap.isEmpty()) {
            throw new IllegalArgumentException("empty bitmap name");
        }
        return DIRTY_BITMAP_PREFIX + bitmap;
    }
}

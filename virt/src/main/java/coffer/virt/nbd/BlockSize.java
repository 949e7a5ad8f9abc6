package coffer.virt.nbd;

/**
 * The block size constraints of an export ({@code NBD_INFO_BLOCK_SIZE}), or the protocol's defaults when
 * the server sent none: requests must start and end on {@code minimum}, should use {@code preferred}, and
 * must not carry more than {@code maximum} bytes of payload.
 *
 * <p>Immutable; thread-safe.
 */
public record BlockSize(int minimum, int preferred, int maximum) {
    /** Used when the server sends no constraints: byte granularity, 4 KiB, 32 MiB (the spec's defaults). */
    static final BlockSize DEFAULT = new BlockSize(1, 4096, Protocol.DEFAULT_MAX_REQUEST);

    public BlockSize {
        if (minimum < 1 || Integer.bitCount(minimum) != 1 || preferred < minimum || maximum < minimum
                || maximum % minimum != 0) {
            throw new IllegalArgumentException(
                    "invalid block sizes min=" + minimum + " preferred=" + preferred + " max=" + maximum);
        }
    }

    long alignDown(long value) {
        return value - Math.floorMod(value, minimum);
    }

    long alignUp(long value) {
        long rest = Math.floorMod(value, minimum);
        return rest == 0 ? value : value + minimum - rest;
    }

    boolean aligned(long value) {
        return Math.floorMod(value, minimum) == 0;
    }
}

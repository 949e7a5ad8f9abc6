package coffer.virt.libvirt;

/**
 * A block job on one disk ({@code virDomainBlockJobInfo}): its type ({@link #PULL}, …), speed limit and progress,
 * {@code cur} of {@code end} units (bytes, though libvirt promises only a proportion).
 *
 * <p>Immutable; thread-safe.
 */
public record BlockJob(int type, long bandwidthBytesPerSecond, long cur, long end) {
    /** {@code VIR_DOMAIN_BLOCK_JOB_TYPE_PULL}. */
    public static final int PULL = 1;

    /** Done, as a fraction of 1 (0 while the job does not know its size yet). */
    public double fraction() {
        return end <= 0 ? 0 : Math.min(1.0, (double) cur / end);
    }
}

package coffer.vault.maintenance;

/**
 * What a gc run kept and removed. {@code heldWithoutManifest}: points whose manifest is gone but whose hold still runs,
 * kept whole (docs/format/hold.md). {@code damagedPoints}: points whose manifest does not read or is lost (those
 * held included); their objects and every chunk their indexes name were kept ({@code vault verify} reports them).
 * Immutable.
 */
public record GcReport(int livePoints, long liveChunks, long sweptChunks, long sweptBytes, long keptUnreferenced,
                       int orphanObjects, int abandonedUploads, int heldWithoutManifest, int damagedPoints) {
}

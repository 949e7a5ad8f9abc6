package coffer.vault.maintenance;

/**
 * What a gc run kept and removed. {@code heldWithoutManifest}: points whose manifest is gone but whose hold still runs,
 * kept whole (docs/format/hold.md). Immutable.
 */
public record GcReport(int livePoints, long liveChunks, long sweptChunks, long sweptBytes, long keptUnreferenced,
                       int orphanObjects, int abandonedUploads, int heldWithoutManifest) {
}

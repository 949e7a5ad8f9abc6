package coffer.vault.maintenance;

/** What a gc run kept and removed. Immutable. */
public record GcReport(int livePoints, long liveChunks, long sweptChunks, long sweptBytes, long keptUnreferenced,
                       int orphanObjects, int abandonedUploads) {
}

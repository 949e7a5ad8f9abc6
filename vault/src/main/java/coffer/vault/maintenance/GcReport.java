package coffer.vault.maintenance;

import java.time.Duration;

/**
 * What a gc run kept and removed. {@code heldWithoutManifest}: points whose manifest is gone but whose hold still runs,
 * kept whole (docs/format/hold.md). {@code complete}: false when the sweep's time budget ran out first;
 * {@code remainingChunks} unreferenced chunks old enough to go were then left for the next run. {@code lockHeld}: how
 * long the run held the exclusive lock (how long it kept backups waiting at most). {@code damagedPoints}: points
 * whose manifest does not read or is lost (the held ones included); their objects and every chunk their indexes
 * name were kept ({@code vault verify} reports them). {@code staleClaims}, {@code staleLeases}: claims and leases of
 * processes that ended without releasing them, removed (judged stale as their takers judge them);
 * {@code staleNotRemoved}: stale ones whose delete failed (three tries), left behind: tried again at this process's
 * next lock, claim or lease operation on the vault and when it is closed (docs/design/gc.md). Immutable.
 */
public record GcReport(int livePoints, long liveChunks, long sweptChunks, long sweptBytes, long keptUnreferenced,
                       int orphanObjects, int abandonedUploads, int heldWithoutManifest, boolean complete,
                       long remainingChunks, Duration lockHeld, int damagedPoints, int staleClaims,
                       int staleLeases, int staleNotRemoved) {
}

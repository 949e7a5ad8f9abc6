package coffer.vault;

/**
 * What gc's removal of stale claims or leases did ({@link PointClaims#removeStale}, {@link PointLeases#removeStale}):
 * how many it removed, and how many it could not (their deletes failed three times): those are remembered as left
 * behind and tried again at this process's next lock, claim or lease operation on the vault and when it is closed
 * (docs/design/gc.md). Immutable.
 */
public record StaleRemoval(int removed, int notRemoved) {
}

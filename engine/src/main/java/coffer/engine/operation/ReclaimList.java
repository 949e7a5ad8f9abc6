package coffer.engine.operation;

import coffer.engine.reclaim.ReclaimHistory;

import java.util.List;

/**
 * Space reclaim on a server (docs/design/assurance.md): per vault the bytes and chunks reclaimed since the server
 * started, the oldest deletion whose space is not free yet, and its recent steps (newest first). The steps are the
 * server process's: a restart starts the list again (its first step is a rescan). {@code count}: vaults listed.
 */
public record ReclaimList(List<ReclaimHistory.VaultReclaim> vaults, int count) {
    public ReclaimList {
        vaults = List.copyOf(vaults);
    }

    public static ReclaimList of(List<ReclaimHistory.VaultReclaim> vaults) {
        return new ReclaimList(vaults, vaults.size());
    }
}

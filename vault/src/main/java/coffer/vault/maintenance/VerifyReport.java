package coffer.vault.maintenance;

import java.util.List;

/** What a verify run checked and what it found damaged. Immutable. */
public record VerifyReport(int points, long chunksChecked, long bytesChecked, List<Damage> damage) {
    public boolean clean() {
        return damage.isEmpty();
    }
}

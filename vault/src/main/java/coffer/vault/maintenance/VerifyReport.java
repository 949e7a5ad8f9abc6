package coffer.vault.maintenance;

import java.util.List;
import java.util.TreeSet;

/** What a verify run checked and what it found damaged. Immutable. */
public record VerifyReport(int points, long chunksChecked, long bytesChecked, List<Damage> damage) {
    public VerifyReport {
        damage = List.copyOf(damage);
    }

    public boolean clean() {
        return damage.isEmpty();
    }

    /** The ids of the points with damage, sorted. */
    public List<String> pointsAffected() {
        return List.copyOf(new TreeSet<>(damage.stream().map(Damage::pointId).toList()));
    }
}

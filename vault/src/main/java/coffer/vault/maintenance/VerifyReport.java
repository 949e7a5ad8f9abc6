package coffer.vault.maintenance;

import java.util.List;

/**
 * What a verify run checked and what it found damaged: ranges of disks ({@code damage}) and whole points
 * ({@code damagedPoints}: a manifest that does not read, a lost point). Immutable.
 */
public record VerifyReport(int points, long chunksChecked, long bytesChecked, List<Damage> damage,
                           List<PointDamage> damagedPoints) {
    public VerifyReport {
        damage = List.copyOf(damage);
        damagedPoints = List.copyOf(damagedPoints);
    }

    public boolean clean() {
        return damage.isEmpty() && damagedPoints.isEmpty();
    }

    /** This report with {@code more} whole points found damaged elsewhere (e.g. by comparing with a catalog). */
    public VerifyReport with(List<PointDamage> more) {
        List<PointDamage> all = new java.util.ArrayList<>(damagedPoints);
        all.addAll(more);
        return new VerifyReport(points, chunksChecked, bytesChecked, damage, all);
    }
}

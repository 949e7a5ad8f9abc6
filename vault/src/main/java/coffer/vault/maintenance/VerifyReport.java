package coffer.vault.maintenance;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

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

    /** A report of damaged ranges only. */
    public VerifyReport(int points, long chunksChecked, long bytesChecked, List<Damage> damage) {
        this(points, chunksChecked, bytesChecked, damage, List.of());
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

    /** The ids of the points with damage (in a range or whole), sorted. */
    public List<String> pointsAffected() {
        return List.copyOf(new TreeSet<>(Stream.concat(damage.stream().map(Damage::pointId),
                damagedPoints.stream().map(PointDamage::pointId)).toList()));
    }
}

package coffer.engine.catalog;

import java.time.LocalDate;
import java.util.List;

/**
 * Sums over every point row, added up by the catalog's own query ({@code GROUP BY}) rather than by reading the points:
 * per vault, per instance (with its name, null for an instance the catalog no longer has), per instance and disk, and
 * per UTC day of creation, oldest first. What the capacity view shows (docs/console.md, "Render time"). Immutable.
 */
public record PointTotals(List<Sum> vaults, List<Sum> instances, List<Sum> disks, List<Day> days) {
    public PointTotals {
        vaults = List.copyOf(vaults);
        instances = List.copyOf(instances);
        disks = List.copyOf(disks);
        days = List.copyOf(days);
    }

    /**
     * The totals of one group: {@code key} the vault or instance id; {@code detail} the instance's name or the disk's
     * target (null for a vault); {@code points} how many rows were added up.
     */
    public record Sum(String key, String detail, long points, long logicalBytes, long storedBytes) {
    }

    /** The points taken on one UTC day (not a running total). */
    public record Day(LocalDate day, long points, long logicalBytes, long storedBytes) {
    }
}

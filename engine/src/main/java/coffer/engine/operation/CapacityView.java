package coffer.engine.operation;

import java.util.List;

/**
 * Logical bytes (what the points cover) against stored bytes (what their writes added after deduplication and
 * compression), per vault, per instance and per disk; {@code ratio} is logical / stored (null when nothing is
 * stored). {@code growth}: the running totals of the points kept, by the UTC day they were taken, oldest first.
 */
public record CapacityView(List<Vault> vaults, List<Instance> instances, List<Disk> disks, List<Day> growth) {
    public record Vault(String vault, long points, long logicalBytes, long storedBytes, Double ratio) {
    }

    public record Instance(String instance, String name, long points, long logicalBytes, long storedBytes, Double ratio) {
    }

    public record Disk(String instance, String disk, long points, long logicalBytes, long storedBytes, Double ratio) {
    }

    /** The logical and stored bytes of the points kept that were taken on or before {@code day} (UTC). */
    public record Day(java.time.LocalDate day, long logicalBytes, long storedBytes) {
    }
}

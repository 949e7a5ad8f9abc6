package coffer.engine.catalog;

import coffer.engine.instance.PointFacts;
import coffer.vault.PointManifest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A backup point as the catalog indexes it (the manifest in the vault is the truth). {@code status} is
 * {@code available} (later also {@code expired}, {@code deleting}); {@code consistency} is
 * {@code CRASH}, {@code FILESYSTEM} or {@code APPLICATION}; {@code storedBytes} are the bytes the point
 * added to the vault (new chunks, after dedup and compression); {@code expiresAt} null = never; {@code region} the
 * region of its vault (a replica's: its destination's; docs/design/replication.md).
 */
public record PointRecord(String id, String vault, String instanceId, String instanceName, Instant createdAt,
                          String status, String consistency, long logicalBytes, long storedBytes,
                          Instant expiresAt, String jobId, List<PointDisk> disks, String consistencyReason,
                          String region) {
    /** The region of a server configured without regions, and of every row written before regions existed. */
    public static final String LOCAL_REGION = "local";

    /** A point of the region {@value #LOCAL_REGION} without a consistency reason (as asked, or unknown). */
    public PointRecord(String id, String vault, String instanceId, String instanceName, Instant createdAt, String status,
                       String consistency, long logicalBytes, long storedBytes, Instant expiresAt, String jobId,
                       List<PointDisk> disks) {
        this(id, vault, instanceId, instanceName, createdAt, status, consistency, logicalBytes, storedBytes, expiresAt,
                jobId, disks, null, LOCAL_REGION);
    }

    /** This row in {@code region}. */
    public PointRecord inRegion(String region) {
        return new PointRecord(id, vault, instanceId, instanceName, createdAt, status, consistency, logicalBytes,
                storedBytes, expiresAt, jobId, disks, consistencyReason, region);
    }

    /** This row with {@code pointDisks}. */
    public PointRecord withDisks(List<PointDisk> pointDisks) {
        return new PointRecord(id, vault, instanceId, instanceName, createdAt, status, consistency, logicalBytes,
                storedBytes, expiresAt, jobId, pointDisks, consistencyReason, region);
    }

    /**
     * The row for a point manifest: its consistency (CRASH when none is recorded), expiry from its
     * {@link PointFacts} (null: never), logical
     * and stored bytes summed over its disks. Backups and the catalog rebuild both use it, so a rebuilt row
     * equals the one the backup wrote (apart from {@code jobId}, which the vault does not know).
     */
    public static PointRecord of(PointManifest point, String vault, String instanceId, String jobId) {
        String consistency = point.consistency() != null ? point.consistency() : "CRASH";
        List<PointDisk> disks = point.disks().stream()
                .map(d -> new PointDisk(d.name(), d.size(), d.newStoredBytes())).toList();
        return new PointRecord(point.id(), vault, instanceId, point.name(),
                point.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), "available", consistency,
                point.logicalBytes(), disks.stream().mapToLong(PointDisk::storedBytes).sum(), expiry(point), jobId,
                disks, PointFacts.of(point).consistency() == null ? null : PointFacts.of(point).consistency().reason(),
                LOCAL_REGION);
    }

    private static Instant expiry(PointManifest point) {
        Instant expires = PointFacts.of(point).expires();
        return expires == null ? null : expires.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** One disk of the point: its logical size and the bytes it added to the vault. */
    public record PointDisk(String target, long logicalBytes, long storedBytes) {
    }
}

package coffer.engine.catalog;

import coffer.engine.instance.PointAttributes;
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
                          Instant expiresAt, String jobId, List<PointDisk> disks, String region) {
    /** The region of a server configured without regions, and of every row written before regions existed. */
    public static final String LOCAL_REGION = "local";

    /** A point of the region {@value #LOCAL_REGION}. */
    public PointRecord(String id, String vault, String instanceId, String instanceName, Instant createdAt, String status,
                       String consistency, long logicalBytes, long storedBytes, Instant expiresAt, String jobId,
                       List<PointDisk> disks) {
        this(id, vault, instanceId, instanceName, createdAt, status, consistency, logicalBytes, storedBytes, expiresAt,
                jobId, disks, LOCAL_REGION);
    }

    /** This row in {@code region}. */
    public PointRecord inRegion(String region) {
        return new PointRecord(id, vault, instanceId, instanceName, createdAt, status, consistency, logicalBytes,
                storedBytes, expiresAt, jobId, disks, region);
    }

    /**
     * The row for a point manifest: consistency from its attributes ({@link PointAttributes#CONSISTENCY},
     * else the manifest's, else CRASH), expiry from {@link PointAttributes#EXPIRES} (null: never), logical
     * and stored bytes summed over its disks. Backups and the catalog rebuild both use it, so a rebuilt row
     * equals the one the backup wrote (apart from {@code jobId}, which the vault does not know).
     */
    public static PointRecord of(PointManifest point, String vault, String instanceId, String jobId) {
        String consistency = point.attributes().getOrDefault(PointAttributes.CONSISTENCY,
                point.consistency() != null ? point.consistency() : "CRASH");
        List<PointDisk> disks = point.disks().stream()
                .map(d -> new PointDisk(d.name(), d.size(), d.newStoredBytes())).toList();
        return new PointRecord(point.id(), vault, instanceId, point.name(),
                point.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), "available", consistency,
                point.logicalBytes(), disks.stream().mapToLong(PointDisk::storedBytes).sum(), expiry(point), jobId,
                disks);
    }

    private static Instant expiry(PointManifest point) {
        String expires = point.attributes().get(PointAttributes.EXPIRES);
        try {
            return expires == null ? null : Instant.parse(expires).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One disk of the point: its logical size and the bytes it added to the vault. */
    public record PointDisk(String target, long logicalBytes, long storedBytes) {
    }
}

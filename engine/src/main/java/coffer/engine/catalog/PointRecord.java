package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * A backup point as the catalog indexes it (the manifest in the vault is the truth). {@code status} is
 * {@code available} (later also {@code expired}, {@code deleting}); {@code consistency} is
 * {@code CRASH}, {@code FILESYSTEM} or {@code APPLICATION}; {@code storedBytes} are the bytes the point
 * added to the vault (new chunks, after dedup and compression); {@code expiresAt} null = never.
 */
public record PointRecord(String id, String vault, String instanceId, String instanceName, Instant createdAt,
                          String status, String consistency, long logicalBytes, long storedBytes,
                          Instant expiresAt, String jobId, List<PointDisk> disks) {

    /** One disk of the point: its logical size and the bytes it added to the vault. */
    public record PointDisk(String target, long logicalBytes, long storedBytes) {
    }
}

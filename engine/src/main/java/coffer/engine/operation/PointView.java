package coffer.engine.operation;

import coffer.engine.catalog.PointRecord;

import java.time.Instant;
import java.util.List;

/**
 * A point: its vault and that vault's region (a replica's: its destination's), its instance, when it was taken, {@code status} ({@code available}, or {@code expired} once its
 * expiry passed), consistency and why it is lower than asked, logical bytes (what it covers) and stored bytes (what it added to the vault),
 * its expiry (null: none), the job that made it, and each disk.
 */
public record PointView(String id, String vault, String region, String instance, String instanceName, Instant createdAt, String status,
                        String consistency, String consistencyReason, long logicalBytes, long storedBytes,
                        Instant expiresAt, String job, List<Disk> disks) {

    /** One disk of the point: its logical size and the bytes it added to the vault. */
    public record Disk(String target, long logicalBytes, long storedBytes) {
    }

    public static PointView of(PointRecord p, Instant now) {
        boolean expired = p.expiresAt() != null && p.expiresAt().isBefore(now);
        return new PointView(p.id(), p.vault(), p.region(), p.instanceId(), p.instanceName(), p.createdAt(),
                expired ? "expired" : p.status(), p.consistency(), p.consistencyReason(), p.logicalBytes(), p.storedBytes(),
                p.expiresAt(),
                p.jobId(), p.disks().stream().map(d -> new Disk(d.target(), d.logicalBytes(), d.storedBytes())).toList());
    }
}

package coffer.engine.operation;

import coffer.engine.catalog.PointRecord;

import java.time.Instant;
import java.util.List;

/**
 * A point: its vault and that vault's region (a replica's: its destination's), its instance, when it was taken, {@code status} ({@code available}, or {@code expired} once its
 * expiry passed), consistency and why it is lower than asked, logical bytes (what it covers) and stored bytes (what it added to the vault),
 * its expiry (null: none), the job that made it, and each disk. Through a server also its replication to each
 * destination ({@code replications}, docs/design/replication.md; empty when never replicated, and always offline).
 */
public record PointView(String id, String vault, String region, String instance, String instanceName, Instant createdAt, String status,
                        String consistency, String consistencyReason, long logicalBytes, long storedBytes,
                        Instant expiresAt, String job, List<Disk> disks, List<PointDetail.Replication> replications) {
    public PointView {
        disks = List.copyOf(disks);
        replications = replications == null ? List.of() : List.copyOf(replications);
    }

    /** One disk of the point: its logical size and the bytes it added to the vault. */
    public record Disk(String target, long logicalBytes, long storedBytes) {
    }

    public static PointView of(PointRecord p, Instant now) {
        boolean expired = p.expiresAt() != null && p.expiresAt().isBefore(now);
        return new PointView(p.id(), p.vault(), p.region(), p.instanceId(), p.instanceName(), p.createdAt(),
                expired ? "expired" : p.status(), p.consistency(), p.consistencyReason(), p.logicalBytes(), p.storedBytes(),
                p.expiresAt(),
                p.jobId(), p.disks().stream().map(d -> new Disk(d.target(), d.logicalBytes(), d.storedBytes())).toList(),
                List.of());
    }

    /** This point with its replication statuses. */
    public PointView withReplications(List<PointDetail.Replication> statuses) {
        return new PointView(id, vault, region, instance, instanceName, createdAt, status, consistency, consistencyReason,
                logicalBytes, storedBytes, expiresAt, job, disks, statuses);
    }
}

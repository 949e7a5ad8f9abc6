package coffer.engine.operation;

import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.replication.ReplicaFacts;
import coffer.engine.instance.PointFacts;
import coffer.vault.PointManifest;

import java.time.Instant;
import java.util.List;

/**
 * One point in full: what {@link PointView} shows, and from its manifest its description, the point it started from, why its
 * consistency is lower than asked, the freeze window, each disk's source, format, how it was read and what it
 * stored, and the disks skipped. The same offline (the manifest) and through a server (its row and manifest). Through a
 * server also its replication to each destination ({@code replications}: none when it was never replicated), and when
 * a restore drill last proved it bootable ({@code provenBootableAt}; null: never, and always offline); for a replica,
 * the point it was copied from ({@code replicaOf}, from its manifest, offline too).
 */
public record PointDetail(String id, String vault, String region, String instance, String instanceName, Instant createdAt, String status,
                          String description, String consistency, String consistencyReason, Long freezeMillis, long logicalBytes,
                          long storedBytes, Instant expiresAt, String job, String parent, List<Disk> disks,
                          List<BackupResult.SkippedDisk> skipped, ReplicaOf replicaOf, List<Replication> replications,
                          Instant provenBootableAt) {

    /**
     * The point's replication to one destination (docs/design/replication.md, "Status, retries and errors"): its state
     * ({@code QUEUED}, {@code RUNNING}, {@code DONE}, {@code FAILED}), the replica's id once done, the job that ran it
     * last, failed attempts so far, the last failure's code and message, when it is retried (null: not), and when it
     * last changed.
     */
    public record Replication(String region, String vault, String state, String replica, String job, int attempts,
                              String errorCode, String error, Instant retryAt, Instant updatedAt) {
        public static Replication of(ReplicationRecord r) {
            return new Replication(r.region(), r.vault(), r.state().name(), r.replicaId(), r.jobId(), r.attempts(),
                    r.errorCode(), r.errorMessage(), r.nextAttemptAt(), r.updatedAt());
        }
    }

    /** Where a replica was copied from: the source's region, vault and point. */
    public record ReplicaOf(String region, String vault, String point) {
    }

    /**
     * One disk: its logical size and the bytes it added to the vault; where it was read from and its format; how
     * it was read ({@code full} or {@code incremental}, why full); its data chunks, the new ones, and bytes read.
     */
    public record Disk(String target, long logicalBytes, long storedBytes, String source, String format, String mode,
                       String reason, long dataChunks, long newChunks, long readBytes) {
    }

    /** A point with no replication status (offline: the catalog is the server's). */
    public static PointDetail of(PointRecord row, PointManifest manifest, Instant now) {
        return of(row, manifest, now, List.of());
    }

    public static PointDetail of(PointRecord row, PointManifest manifest, Instant now, List<ReplicationRecord> replications) {
        PointView view = PointView.of(row, now);
        PointFacts facts = PointFacts.of(manifest);
        List<Disk> disks = manifest.disks().stream().map(d -> {
            PointFacts.Disk read = facts.disk(d.name());
            return new Disk(d.name(), d.size(), d.newStoredBytes(), d.source(), d.sourceFormat(),
                    read == null ? null : read.mode(), read == null ? null : read.reason(), d.dataChunks(), d.newChunks(),
                    d.readBytes());
        }).toList();
        ReplicaOf source = ReplicaFacts.of(manifest).map(r -> new ReplicaOf(r.region(), r.vault(), r.point())).orElse(null);
        return new PointDetail(view.id(), view.vault(), view.region(), view.instance(), view.instanceName(), view.createdAt(), view.status(),
                facts.description(), view.consistency(), facts.consistency() == null ? null : facts.consistency().reason(),
                facts.consistency() == null ? null : facts.consistency().freezeMillis(), view.logicalBytes(),
                view.storedBytes(), view.expiresAt(), view.job(), manifest.parent(), disks,
                manifest.skipped().stream().map(s -> new BackupResult.SkippedDisk(s.name(), s.reason())).toList(), source,
                replications.stream().map(Replication::of).toList(), null);
    }

    /** This detail with the end of the point's last passed restore drill. */
    public PointDetail provenBootableAt(Instant at) {
        return new PointDetail(id, vault, region, instance, instanceName, createdAt, status, description, consistency,
                consistencyReason, freezeMillis, logicalBytes, storedBytes, expiresAt, job, parent, disks, skipped,
                replicaOf, replications, at);
    }
}

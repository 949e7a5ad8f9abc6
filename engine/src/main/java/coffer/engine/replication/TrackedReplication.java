package coffer.engine.replication;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Replication with its status in the catalog (docs/design/replication.md): what a replication job runs. A point's
 * replication to a destination is queued, then run: marked running, copied by {@link PointReplication}, the replica
 * recorded as a point of its region's vault, marked done with the replica's id; or marked failed with the reason and,
 * when {@link RetryBackoff} says so, the time of its next attempt ({@link #due} lists those due).
 *
 * <p>The replica's catalog row is written after the replica is published in its vault: a catalog that cannot be
 * written then is {@link ErrorCode#ReplicationMetadataSyncFailed} (the replica exists; a retry finds it and records
 * it; a catalog rebuild of the destination vault records it too).
 *
 * <p>Stateless apart from its collaborators; thread-safe. One run per point and destination at a time (the catalog's
 * state transition decides).
 */
public final class TrackedReplication {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final PointReplication replication;
    private final Clock clock;

    public TrackedReplication(Catalog catalog, VaultDirectory vaults, PointReplication replication, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.replication = replication;
        this.clock = clock;
    }

    /**
     * Where replicas go and how they live there: a vault of a region, encrypted as {@code encryption} asks, kept for
     * {@code retention} after the point's creation, held immutable until then when {@code immutable}.
     */
    public record Destination(String region, String vault, ReplicationRule.Encryption encryption,
                              RetentionPeriod retention, boolean immutable) {
        /** The destination of a policy's replication rule; {@code immutable}: the policy makes its points immutable. */
        public static Destination of(ReplicationRule rule, boolean immutable) {
            if (!rule.enabled()) {
                throw new CofferException(ErrorCode.NoDestinationRegion, "the policy's replication is off");
            }
            return new Destination(rule.destinationRegion(), rule.destinationVault(), rule.encryption(), rule.retention(),
                    immutable);
        }
    }

    /** Queues the replication of {@code pointId} to {@code destination}; false when it is queued, running or done. */
    public boolean queue(String pointId, Destination destination) {
        PointRecord point = point(pointId);
        checkDestination(point, destination);
        return catalog.replications().queue(point.id(), destination.region(), destination.vault());
    }

    /** The status of {@code pointId}'s replication to {@code destination}. */
    public ReplicationStatus status(String pointId, Destination destination) {
        return ReplicationStatus.of(catalog.replications().find(pointId, destination.region(), destination.vault()));
    }

    /** Failed replications whose next attempt is due now. */
    public List<ReplicationRecord> due() {
        return catalog.replications().due(clock.instant());
    }

    /**
     * Runs the replication of {@code pointId} to {@code destination} for job {@code jobId} (queueing it first if it is
     * not): running, then done or failed. A replication done already returns without copying.
     *
     * @throws CofferException with the failure's code, after the failure was recorded
     */
    public PointReplication.Result run(String pointId, Destination destination, String jobId, JobProgress progress) {
        PointRecord point = point(pointId);
        checkDestination(point, destination);
        catalog.replications().queue(point.id(), destination.region(), destination.vault());
        if (!catalog.replications().start(point.id(), destination.region(), destination.vault(), jobId)) {
            ReplicationStatus status = status(pointId, destination);
            throw new CofferException(ErrorCode.InvalidArgument, "the replication of point " + pointId + " to vault "
                    + destination.vault() + " of region " + destination.region() + " is "
                    + (status instanceof ReplicationStatus.Done(String replica) ? "done (replica " + replica + ")"
                    : "running already"));
        }
        try {
            Vault source = vaults.open(point.vault());
            Vault target = vaults.open(destination.vault());
            Instant expires = destination.retention() == null ? null
                    : destination.retention().expiryOf(point.createdAt(), ZoneOffset.UTC).orElse(null);
            Instant immutableUntil = !destination.immutable() ? null : expires != null ? expires : Vault.FOREVER;
            PointReplication.Result result = replication.run(new PointReplication.Request(
                    new RegionVault(point.region(), point.vault(), source), point.id(),
                    new RegionVault(destination.region(), destination.vault(), target), destination.encryption(), expires,
                    immutableUntil), progress);
            record(point, destination, result, jobId);
            return result;
        } catch (RuntimeException e) {
            CofferException failure = PointReplication.cancelledIfInterrupted(
                    e instanceof CofferException c ? c : coffer.engine.error.Errors.classify(e));
            throw recordFailure(point, destination, failure);
        }
    }

    private void record(PointRecord point, Destination destination, PointReplication.Result result, String jobId) {
        try {
            catalog.points().upsert(PointRecord.of(result.replica(), destination.vault(), point.instanceId(), jobId)
                    .inRegion(destination.region()));
            catalog.replications().done(point.id(), destination.region(), destination.vault(), result.replicaId());
        } catch (CofferException e) {
            throw new CofferException(ErrorCode.ReplicationMetadataSyncFailed, "replica " + result.replicaId()
                    + " of point " + point.id() + " is in vault " + destination.vault() + " of region "
                    + destination.region() + ", but the catalog could not record it: " + e.getMessage(), e);
        }
    }

    /**
     * Records {@code failure} with the time of the next attempt, if any; returns what the caller throws: the failure,
     * its message saying when it is tried again when it is (a job's message must not read as given up: a claim of
     * another run of the same replication, VaultBusy, passes when that run ends).
     */
    private CofferException recordFailure(PointRecord point, Destination destination, CofferException failure) {
        int attempts = catalog.replications().find(point.id(), destination.region(), destination.vault())
                .map(ReplicationRecord::attempts).orElse(0) + 1;
        Instant next = failure.code() == ErrorCode.Cancelled ? null
                : RetryBackoff.next(failure.code(), attempts, clock.instant()).orElse(null);
        try {
            catalog.replications().failed(point.id(), destination.region(), destination.vault(), failure.code().name(),
                    failure.getMessage(), next);
        } catch (CofferException unrecorded) {
            failure.addSuppressed(unrecorded); // the failure itself is what the caller must see
            return failure; // the retry was not recorded: it will not happen
        }
        if (next == null) {
            return failure;
        }
        CofferException retried = new CofferException(failure.code(), failure.getMessage() + "; tried again at " + next
                + " (attempt " + (attempts + 1) + " of " + RetryBackoff.ATTEMPTS + ")", failure.getCause());
        for (Throwable suppressed : failure.getSuppressed()) {
            retried.addSuppressed(suppressed);
        }
        return retried;
    }

    private PointRecord point(String pointId) {
        return catalog.points().find(pointId).orElseThrow(() -> new CofferException(ErrorCode.PointNotFound,
                "no point '" + pointId + "' in the catalog"));
    }

    /** The destination is a vault of its region, not the point's own vault. */
    private void checkDestination(PointRecord point, Destination destination) {
        if (destination.region() == null || destination.region().isBlank()) {
            throw new CofferException(ErrorCode.NoDestinationRegion, "no destination region for the replication of point "
                    + point.id());
        }
        String region = vaults.regionOf(destination.vault());
        if (!region.equals(destination.region())) {
            throw new CofferException(ErrorCode.InvalidArgument, "vault " + destination.vault() + " is in region " + region
                    + ", not in " + destination.region());
        }
        if (destination.vault().equals(point.vault())) {
            throw new CofferException(ErrorCode.InvalidArgument, "point " + point.id() + " is in vault "
                    + destination.vault() + " already; replicate it to a vault of another region");
        }
    }
}

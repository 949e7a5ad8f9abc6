package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.ReplicateResult;
import coffer.engine.policy.CalendarUnit;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.replication.PointReplication;
import coffer.engine.replication.TrackedReplication;

import java.time.Duration;

/**
 * Replicates a point (the job's target: the point's id) to the vault the record names, with its status in the
 * catalog ({@link TrackedReplication}): a policy's replication with the rule's retention, encryption and the policy's
 * immutability; a person's with the destination's own key (Auto) and the record's retention, else the point's own
 * expiry (whole days, rounded up). Cancel: the copy stops, nothing of the replica is left published, the replication
 * shows failed with Cancelled. Stateless; thread-safe.
 */
final class ReplicateHandler implements JobHandler<ReplicatePoint, ReplicateResult> {
    private final Catalog catalog;
    private final TrackedReplication replication;

    ReplicateHandler(Catalog catalog, TrackedReplication replication) {
        this.catalog = catalog;
        this.replication = replication;
    }

    @Override
    public ReplicateResult run(ReplicatePoint operation, Job job, JobContext context) {
        PointRecord point = Lookup.point(catalog, operation.point());
        TrackedReplication.Destination destination = destination(operation, point);
        context.info("replicating point " + point.id() + " to vault " + destination.vault() + " of region "
                + destination.region() + (operation.policy() != null ? " (policy " + operation.policy() + ")" : ""));
        PointReplication.Result result = replication.run(point.id(), destination, job.id(), context.progress());
        context.info(result.alreadyThere() ? "replica " + result.replicaId() + " was there already"
                : "replica " + result.replicaId() + ": " + result.newObjects() + " chunk(s) copied (" + result.storedBytes()
                + " bytes), " + ReplicateResult.reuse(result.reusedEntries(), result.base()));
        return ReplicateResult.of(result, destination.region(), destination.vault());
    }

    private TrackedReplication.Destination destination(ReplicatePoint operation, PointRecord point) {
        if (operation.policy() != null) {
            StoredPolicy policy = catalog.policies().find(operation.policy()).orElse(null);
            if (policy != null && policy.policy().replication().enabled()) {
                ReplicationRule rule = policy.policy().replication();
                return new TrackedReplication.Destination(operation.region(), operation.vault(), rule.encryption(),
                        rule.retention(), policy.policy().immutable());
            }
        }
        RetentionPeriod retention = operation.retentionDays() != null
                ? new RetentionPeriod.Finite(operation.retentionDays(), CalendarUnit.DAYS)
                : point.expiresAt() == null ? null : new RetentionPeriod.Finite(Math.max(1,
                (Duration.between(point.createdAt(), point.expiresAt()).toSeconds() + 86_399) / 86_400), CalendarUnit.DAYS);
        return new TrackedReplication.Destination(operation.region(), operation.vault(), new ReplicationRule.Encryption.Auto(),
                retention, false);
    }
}

package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.CreatePolicy;
import coffer.engine.operation.EditPolicy;
import coffer.engine.operation.PolicyDocument;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.replication.Regions;
import coffer.engine.replication.ReplicationQueue;

import java.util.Objects;

/**
 * Edits a policy: the edit's fields over the stored document ({@link PolicyDocument#mergedOnto}), the whole
 * checked again; the plans bound to it restart their schedule from now. A replication key once assigned stays
 * while replication is on (docs/design/policies.md); turning replication off is allowed. A replication rule that is
 * on names a region and a vault of this server, the vault in that region ({@code UnknownRegion},
 * {@code InvalidArgument}), on create and on an edit that changes the rule. Thread-safe.
 */
final class PolicyEditing {
    private final Catalog catalog;
    private final PlanScheduler scheduler;
    private final ReplicationQueue replications;
    private final Regions regions;

    PolicyEditing(Catalog catalog, PlanScheduler scheduler, ReplicationQueue replications, Regions regions) {
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.replications = replications;
        this.regions = regions;
    }

    /** A new policy of the document's region (default: the server's first region; UnknownRegion). */
    StoredPolicy create(CreatePolicy create) {
        Policy policy = create.document().toPolicy();
        String region = create.document().region() == null ? regions.names().iterator().next()
                : regions.check(create.document().region());
        checkDestination(policy.replication());
        return catalog.policies().create(policy, region);
    }

    StoredPolicy edit(EditPolicy edit) {
        StoredPolicy current = Lookup.policy(catalog, edit.policy());
        if (edit.document().region() != null && !edit.document().region().equals(current.region())) {
            throw new CofferException(ErrorCode.InvalidArgument, "region: policy " + current.name() + " is a policy of"
                    + " region " + current.region() + ", fixed when it was created; create another policy for region "
                    + edit.document().region());
        }
        Policy edited = edit.document().mergedOnto(PolicyDocument.of(current.policy())).toPolicy();
        requireSameKey(current.policy().replication(), edited.replication());
        if (!edited.replication().equals(current.policy().replication())) {
            checkDestination(edited.replication()); // a rule kept as it was is not refused for a region gone since
        }
        return catalog.policies().update(current.id(), edited, plan -> scheduler.nextRun(plan.id(), edited.schedule()))
                .orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound, "no policy '" + edit.policy() + "'"));
    }

    private void checkDestination(ReplicationRule rule) {
        if (rule.enabled()) {
            replications.resolve(rule.destinationRegion(), rule.destinationVault());
        }
    }

    private static void requireSameKey(ReplicationRule before, ReplicationRule after) {
        if (before.enabled() && before.encryption() instanceof ReplicationRule.Encryption.AssignedKey(String key)
                && after.enabled() && !(after.encryption() instanceof ReplicationRule.Encryption.AssignedKey(String now)
                && Objects.equals(key, now))) {
            throw new CofferException(ErrorCode.InvalidArgument, "replication.encryption: the replicas are encrypted with"
                    + " the assigned key '" + key + "', which cannot be changed once set; create another policy for another key");
        }
    }
}

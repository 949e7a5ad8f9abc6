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

    PolicyEditing(Catalog catalog, PlanScheduler scheduler, ReplicationQueue replications) {
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.replications = replications;
    }

    StoredPolicy create(CreatePolicy create) {
        Policy policy = create.document().toPolicy();
        checkDestination(policy.replication());
        return catalog.policies().create(policy);
    }

    StoredPolicy edit(EditPolicy edit) {
        StoredPolicy current = Lookup.policy(catalog, edit.policy());
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

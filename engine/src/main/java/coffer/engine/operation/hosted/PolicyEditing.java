package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.EditPolicy;
import coffer.engine.operation.PolicyDocument;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;

import java.util.Objects;

/**
 * Edits a policy: the edit's fields over the stored document ({@link PolicyDocument#mergedOnto}), the whole
 * checked again; the plans bound to it restart their schedule from now. A replication key once assigned stays
 * while replication is on (docs/design/policies.md); turning replication off is allowed. Thread-safe.
 */
final class PolicyEditing {
    private final Catalog catalog;
    private final PlanScheduler scheduler;

    PolicyEditing(Catalog catalog, PlanScheduler scheduler) {
        this.catalog = catalog;
        this.scheduler = scheduler;
    }

    StoredPolicy edit(EditPolicy edit) {
        StoredPolicy current = Lookup.policy(catalog, edit.policy());
        Policy edited = edit.document().mergedOnto(PolicyDocument.of(current.policy())).toPolicy();
        requireSameKey(current.policy().replication(), edited.replication());
        return catalog.policies().update(current.id(), edited, plan -> scheduler.nextRun(plan.id(), edited.schedule()))
                .orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound, "no policy '" + edit.policy() + "'"));
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

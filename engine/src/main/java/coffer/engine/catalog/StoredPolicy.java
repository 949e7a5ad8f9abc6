package coffer.engine.catalog;

import coffer.engine.policy.Policy;

import java.time.Instant;

/** A policy of the policy center: its id, the (always valid) {@link Policy}, and when it was made and last edited. */
public record StoredPolicy(String id, Policy policy, Instant createdAt, Instant updatedAt) {
    public String name() {
        return policy.name();
    }
}

package coffer.engine.catalog;

import coffer.engine.policy.Policy;

import java.time.Instant;

/**
 * A policy of the policy center: its id, the (always valid) {@link Policy}, when it was made and last edited, and the
 * region whose instances it protects (catalog V5's {@code policies.region}; {@code local} for older rows).
 */
public record StoredPolicy(String id, Policy policy, Instant createdAt, Instant updatedAt, String region) {
    public String name() {
        return policy.name();
    }
}

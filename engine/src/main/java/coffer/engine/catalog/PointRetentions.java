package coffer.engine.catalog;

import coffer.engine.policy.PointExpiry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The retention columns of the points index (origin, plan, policy, immutable, own expiry). A manual point
 * without an explicit pin expires at its {@code expires_at} (never when null), as V1 stored it.
 * Implementations MUST be thread-safe.
 */
public interface PointRetentions {
    List<PointRetention> ofInstance(String instanceId);

    Optional<PointRetention> find(String pointId);

    /** The instances that have points. */
    List<String> instancesWithPoints();

    /** Marks a point as made by a plan's run under a policy (immutable when the policy is). */
    void markPolicy(String pointId, String planId, String policyId, boolean immutable);

    /** Sets the point's own expiry ({@code ByRules}, {@code At} or {@code Never}) and the expiry shown. */
    void pin(String pointId, PointExpiry expiry, Instant shownExpiry);

    /**
     * Like {@link #pin}, for a person's extension: the point is then locked until that expiry (docs/design/policies.md,
     * "Permanent retention and extensions").
     */
    void extend(String pointId, PointExpiry expiry, Instant shownExpiry);

    /** Sets the expiry shown (null: none). */
    void showExpiry(String pointId, Instant shownExpiry);
}

package coffer.engine.catalog;

import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.RetentionFacts;

import java.time.Instant;

/**
 * What retention knows of one point row: who made it (a plan's run or a person), under which plan and
 * policy, whether that policy was immutable, the point's own {@link PointExpiry}, the expiry shown
 * ({@code expiresAt}, null when none), and whether a person extended it (which locks it until it expires).
 */
public record PointRetention(String pointId, String vault, String instanceId, Instant createdAt,
                             RetentionFacts.Origin origin, String planId, String policyId, boolean immutable,
                             PointExpiry expiry, Instant expiresAt, boolean extended) {

    public RetentionFacts facts() {
        return new RetentionFacts(pointId, createdAt, origin, expiry, immutable);
    }
}

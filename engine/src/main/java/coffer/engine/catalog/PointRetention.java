package coffer.engine.catalog;

import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.PointFacts;

import java.time.Instant;

/**
 * What retention knows of one point row: who made it (a plan's run or a person), under which plan and
 * policy, whether that policy was immutable, the point's own {@link PointExpiry}, and the expiry shown
 * ({@code expiresAt}, null when none).
 */
public record PointRetention(String pointId, String vault, String instanceId, Instant createdAt,
                             PointFacts.Origin origin, String planId, String policyId, boolean immutable,
                             PointExpiry expiry, Instant expiresAt) {

    public PointFacts facts() {
        return new PointFacts(pointId, createdAt, origin, expiry, immutable);
    }
}

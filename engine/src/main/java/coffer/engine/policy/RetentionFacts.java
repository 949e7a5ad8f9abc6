package coffer.engine.policy;

import java.time.Instant;

/**
 * What retention needs to know of one point of an instance: its id, creation time, whether a policy
 * run or a person made it, its own {@link PointExpiry}, and whether it was made under an immutable
 * policy. Manual points carry their own retention, so their expiry is never {@code ByRules}.
 */
public record RetentionFacts(String id, Instant createdAt, Origin origin, PointExpiry expiry, boolean immutable) {
    /** Who made the point. */
    public enum Origin { POLICY, MANUAL }

    public RetentionFacts {
        if (id == null || createdAt == null || origin == null || expiry == null) {
            throw new IllegalArgumentException("point facts need id, createdAt, origin and expiry");
        }
        if (origin == Origin.MANUAL && expiry instanceof PointExpiry.ByRules) {
            throw new IllegalArgumentException("manual point " + id + " needs its own expiry (At or Never)");
        }
    }

    public static RetentionFacts policy(String id, Instant createdAt) {
        return new RetentionFacts(id, createdAt, Origin.POLICY, PointExpiry.byRules(), false);
    }

    public static RetentionFacts manual(String id, Instant createdAt, PointExpiry expiry) {
        return new RetentionFacts(id, createdAt, Origin.MANUAL, expiry, false);
    }

    public RetentionFacts withExpiry(PointExpiry newExpiry) {
        return new RetentionFacts(id, createdAt, origin, newExpiry, immutable);
    }

    public RetentionFacts asImmutable() {
        return new RetentionFacts(id, createdAt, origin, expiry, true);
    }
}

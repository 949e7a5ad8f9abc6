package coffer.engine.policy;

import java.time.Instant;

/**
 * What retention needs to know of one point of an instance: its id, creation time, whether a policy
 * run or a person made it, its own {@link PointExpiry}, and whether it was made under an immutable
 * policy. Manual points carry their own retention, so their expiry is never {@code ByRules}.
 */
public record PointFacts(String id, Instant createdAt, Origin origin, PointExpiry expiry, boolean immutable) {
    /** Who made the point. */
    public enum Origin { POLICY, MANUAL }

    public PointFacts {
        if (id == null || createdAt == null || origin == null || expiry == null) {
            throw new IllegalArgumentException("point facts need id, createdAt, origin and expiry");
        }
        if (origin == Origin.MANUAL && expiry instanceof PointExpiry.ByRules) {
            throw new IllegalArgumentException("manual point " + id + " needs its own expiry (At or Never)");
        }
    }

    public static PointFacts policy(String id, Instant createdAt) {
        return new PointFacts(id, createdAt, Origin.POLICY, PointExpiry.byRules(), false);
    }

    public static PointFacts manual(String id, Instant createdAt, PointExpiry expiry) {
        return new PointFacts(id, createdAt, Origin.MANUAL, expiry, false);
    }

    public PointFacts withExpiry(PointExpiry newExpiry) {
        return new PointFacts(id, createdAt, origin, newExpiry, immutable);
    }

    public PointFacts asImmutable() {
        return new PointFacts(id, createdAt, origin, expiry, true);
    }
}

package coffer.engine.policy;

import coffer.engine.error.Problems;

import java.time.Duration;
import java.time.Instant;

/**
 * A point's own expiry, stored with the point: {@link ByRules} (a policy point with no override: its
 * policy's rules decide), {@link At} (a manual point's retention, or an extension), or {@link Never}.
 * A pinned expiry only ever adds to what the policy's rules keep: a point is kept while any of them does.
 */
public sealed interface PointExpiry {
    /** Policy rules alone decide. */
    record ByRules() implements PointExpiry {
    }

    /** Kept at least until {@code instant}. */
    record At(Instant instant) implements PointExpiry {
        public At {
            if (instant == null) {
                throw new IllegalArgumentException("expiry instant is required");
            }
        }
    }

    /** Never expires (set by a person on one point; no policy can say this). */
    record Never() implements PointExpiry {
    }

    static PointExpiry byRules() {
        return new ByRules();
    }

    static PointExpiry at(Instant instant) {
        return new At(instant);
    }

    static PointExpiry never() {
        return new Never();
    }

    /**
     * Extends a point's retention by whole days, as the seed's "extend the retention period by an integer
     * number of days. The maximum retention period is 65,536 days": the new expiry is the point's current
     * expiry ({@link Verdict#timeLimit()}, or its creation when it has none) plus {@code days} × 24 hours;
     * the whole retention from creation must stay within 65,536 days and the new expiry must lie after
     * {@code now}.
     *
     * @throws coffer.engine.error.CofferException {@code InvalidArgument} naming the point and the bad value
     */
    static PointExpiry extend(RetentionFacts point, Verdict current, long days, Instant now) {
        String field = "point " + point.id() + " extension";
        if (point.expiry() instanceof Never) {
            throw Problems.invalid(field, "the point already never expires");
        }
        if (days < 1 || days > CalendarUnit.MAX_RETENTION_DAYS) {
            throw Problems.invalid(field, days + " days is out of range: 1 to " + CalendarUnit.MAX_RETENTION_DAYS);
        }
        Instant base = current.timeLimit().orElse(point.createdAt());
        Instant extended = base.plus(Duration.ofDays(days));
        long total = Duration.between(point.createdAt(), extended).toDays();
        if (extended.isAfter(point.createdAt().plus(Duration.ofDays(CalendarUnit.MAX_RETENTION_DAYS)))) {
            throw Problems.invalid(field, "extending by " + days + " days from " + base + " would keep the point "
                    + total + " days after its creation; the maximum retention period is "
                    + CalendarUnit.MAX_RETENTION_DAYS + " days");
        }
        if (!extended.isAfter(now)) {
            throw Problems.invalid(field, "extending by " + days + " days from " + base + " gives " + extended
                    + ", which is already past; extend by more days");
        }
        return new At(extended);
    }
}

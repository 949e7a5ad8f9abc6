package coffer.engine.policy;

import coffer.engine.error.Problems;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A policy's retention rules for the points its runs make. A point is kept while <em>any</em> rule keeps
 * it (the rules add up, none removes what another keeps):
 * <ul>
 * <li>{@code keepFor}: every point for this long after its creation (required, as in the seed);</li>
 * <li>{@code keepLatest}: the newest N policy points, whatever their age (0 = off; at most
 * {@value #MAX_KEEP_LATEST}, Coffer's bound: the seed is silent);</li>
 * <li>{@code calendar}: the first point of each day/week/month/year for a count of them, at most one rule
 * per unit;</li>
 * </ul>
 * all in {@code zone}. Manual points are not counted by keep-latest or calendar rules: their own
 * retention governs them. See {@link #evaluate}.
 */
public record Retention(RetentionPeriod keepFor, int keepLatest, List<CalendarRule> calendar, ZoneId zone) {
    public static final int MAX_KEEP_LATEST = 1_000;

    public Retention {
        if (keepFor == null || calendar == null || zone == null) {
            throw new IllegalArgumentException("retention needs keepFor, calendar (may be empty) and zone");
        }
        calendar = List.copyOf(calendar);
    }

    /** Only a duration, in UTC. */
    public static Retention keepFor(RetentionPeriod period) {
        return new Retention(period, 0, List.of(), ZoneOffset.UTC);
    }

    public Retention withKeepLatest(int n) {
        return new Retention(keepFor, n, calendar, zone);
    }

    public Retention withCalendar(CalendarRule... rules) {
        return new Retention(keepFor, keepLatest, List.of(rules), zone);
    }

    public Retention inZone(ZoneId newZone) {
        return new Retention(keepFor, keepLatest, calendar, newZone);
    }

    public void check(String field, Problems problems) {
        keepFor.check(field + ".keepFor", problems);
        if (keepLatest < 0 || keepLatest > MAX_KEEP_LATEST) {
            problems.add(field + ".keepLatest", "keep-latest " + keepLatest + " is out of range: 0 (off) to "
                    + MAX_KEEP_LATEST);
        }
        Set<CalendarUnit> seen = new HashSet<>();
        for (int i = 0; i < calendar.size(); i++) {
            CalendarRule rule = calendar.get(i);
            String at = field + ".calendar[" + i + "]";
            rule.check(at, problems);
            if (!seen.add(rule.unit())) {
                problems.add(at, "a second " + rule.unit().lower() + " rule (" + rule
                        + "); keep one rule per unit");
            }
        }
    }

    /**
     * Decides, for every point of one instance, whether it is kept at {@code now}, until when and by which
     * rules. {@code instanceProtected}: the instance is on the protected list, so its newest point (the
     * change-tracking base of its next backup) is kept whatever its age (see docs/design/policies.md).
     * Pure: the same arguments give the same verdicts, in the order of {@code points}.
     */
    public List<Verdict> evaluate(List<RetentionFacts> points, Instant now, boolean instanceProtected) {
        return new RetentionEvaluation(this, points, now, instanceProtected).verdicts();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("keep for ").append(keepFor);
        if (keepLatest > 0) {
            s.append(", latest ").append(keepLatest);
        }
        calendar.forEach(rule -> s.append(", ").append(rule));
        return s.append(" (").append(zone).append(')').toString();
    }
}

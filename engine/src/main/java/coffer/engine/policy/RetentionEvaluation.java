package coffer.engine.policy;

import coffer.engine.policy.RetentionFacts.Origin;
import coffer.engine.policy.Verdict.Kind;
import coffer.engine.policy.Verdict.Reason;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One run of {@link Retention#evaluate}: ranks the points once, then judges each. Not shared. */
final class RetentionEvaluation {
    private static final Comparator<RetentionFacts> OLDEST_FIRST = Comparator.comparing(RetentionFacts::createdAt)
            .thenComparing(RetentionFacts::id);

    private final Retention rules;
    private final List<RetentionFacts> points;
    private final Instant now;
    private final Map<String, Integer> latestRank = new HashMap<>();
    private final Map<String, List<CalendarRule>> firstOfPeriod = new HashMap<>();
    private final String newest;

    RetentionEvaluation(Retention rules, List<RetentionFacts> points, Instant now, boolean instanceProtected) {
        this.rules = rules;
        this.points = List.copyOf(points);
        if (this.points.stream().map(RetentionFacts::id).distinct().count() != this.points.size()) {
            throw new IllegalArgumentException("point ids must be unique within one evaluation");
        }
        this.now = now;
        List<RetentionFacts> policyPoints = this.points.stream().filter(p -> p.origin() == Origin.POLICY)
                .sorted(OLDEST_FIRST).toList();
        for (int i = 0; i < policyPoints.size(); i++) {
            latestRank.put(policyPoints.get(i).id(), policyPoints.size() - i);
        }
        for (CalendarRule rule : rules.calendar()) {
            Map<LocalDate, RetentionFacts> first = new HashMap<>();
            for (RetentionFacts p : policyPoints) { // oldest first: the first put per period wins
                first.putIfAbsent(rule.unit().bucketOf(p.createdAt().atZone(rules.zone()).toLocalDate()), p);
            }
            first.values().forEach(p -> firstOfPeriod.computeIfAbsent(p.id(), id -> new ArrayList<>()).add(rule));
        }
        newest = instanceProtected ? this.points.stream().max(OLDEST_FIRST).map(RetentionFacts::id).orElse(null) : null;
    }

    List<Verdict> verdicts() {
        return points.stream().map(this::judge).toList();
    }

    private Verdict judge(RetentionFacts p) {
        List<Reason> reasons = new ArrayList<>();
        List<Instant> limits = new ArrayList<>();
        boolean open = false;
        switch (p.expiry()) {
            case PointExpiry.At at -> timed(reasons, limits, Kind.PINNED, "pinned expiry", at.instant());
            case PointExpiry.Never ignored -> {
                reasons.add(new Reason(Kind.NEVER_EXPIRES, "never expires", Optional.empty()));
                open = true;
            }
            case PointExpiry.ByRules ignored -> {
            }
        }
        if (p.origin() == Origin.POLICY) {
            rules.keepFor().expiryOf(p.createdAt(), rules.zone())
                    .ifPresent(t -> timed(reasons, limits, Kind.KEEP_FOR, "keep for " + rules.keepFor(), t));
            int rank = latestRank.get(p.id());
            if (rank <= rules.keepLatest()) {
                reasons.add(new Reason(Kind.KEEP_LATEST, "keep latest " + rules.keepLatest() + " (newest #" + rank
                        + ")", Optional.empty()));
                open = true;
            }
            for (CalendarRule rule : firstOfPeriod.getOrDefault(p.id(), List.of())) {
                LocalDate period = rule.unit().bucketOf(p.createdAt().atZone(rules.zone()).toLocalDate());
                Instant end = rule.unit().bucketStart(period, rule.count(), rules.zone()).toInstant();
                timed(reasons, limits, Kind.CALENDAR, rule + " (first point of the " + rule.unit().singular()
                        + " from " + period + ")", end);
            }
        }
        if (p.id().equals(newest)) {
            reasons.add(new Reason(Kind.NEWEST_OF_PROTECTED_INSTANCE, "newest point of a protected instance "
                    + "(base of its next backup)", Optional.empty()));
            open = true;
        }
        Optional<Instant> limit = limits.stream().max(Comparator.naturalOrder());
        return new Verdict(p.id(), !reasons.isEmpty(), limit, open, reasons);
    }

    /** Records a time-bound rule's end; it keeps the point only while the end is after now. */
    private void timed(List<Reason> reasons, List<Instant> limits, Kind kind, String rule, Instant until) {
        limits.add(until);
        if (until.isAfter(now)) {
            reasons.add(new Reason(kind, rule, Optional.of(until)));
        }
    }
}

package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PointRetention;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.RetentionFacts;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionHold;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Verdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Retention's verdicts for every point of one instance at {@code now}: the rules of the instance's current
 * plan's policy, its own expiry for each point, and whether the instance is protected. Without a plan a
 * policy point that still says "by rules" (it should have been pinned when its plan went) is kept as if it
 * never expired: retention never deletes what no rule speaks for. An unacknowledged change alert of the instance
 * holds its points made before the alerted one ({@link RetentionHold}). Immutable once computed.
 */
record InstanceRetention(String instanceId, Optional<StoredPolicy> policy, List<Judged> points) {

    /** One point with its verdict. */
    record Judged(PointRetention point, Verdict verdict) {
    }

    /** Rules used when the instance has no plan: only the points' own expiries count then. */
    private static final Retention NO_RULES = Retention.keepFor(new RetentionPeriod.Finite(1, coffer.engine.policy.CalendarUnit.DAYS));

    static InstanceRetention of(Catalog catalog, String instanceId, Instant now) {
        Optional<StoredPolicy> policy = catalog.plans().findByInstance(instanceId).map(Plan::policyId)
                .flatMap(catalog.policies()::find);
        List<PointRetention> rows = catalog.pointRetentions().ofInstance(instanceId);
        List<RetentionFacts> facts = new ArrayList<>();
        for (PointRetention row : rows) {
            RetentionFacts f = row.facts();
            if (policy.isEmpty() && f.origin() == RetentionFacts.Origin.POLICY) {
                f = new RetentionFacts(f.id(), f.createdAt(), RetentionFacts.Origin.MANUAL,
                        f.expiry() instanceof PointExpiry.ByRules ? PointExpiry.never() : f.expiry(), f.immutable());
            }
            facts.add(f);
        }
        boolean protectedNow = catalog.protections().find(instanceId).isPresent();
        List<Verdict> verdicts = RetentionHold.apply(
                policy.map(p -> p.policy().retention()).orElse(NO_RULES).evaluate(facts, now, protectedNow),
                rows.stream().map(PointRetention::createdAt).toList(), holds(catalog, instanceId));
        List<Judged> judged = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            judged.add(new Judged(rows.get(i), verdicts.get(i)));
        }
        return new InstanceRetention(instanceId, policy, judged);
    }

    /** The holds of the instance's unacknowledged change alerts (docs/design/assurance.md). */
    private static List<RetentionHold> holds(Catalog catalog, String instanceId) {
        return catalog.changeAlerts().unacknowledged(instanceId).stream()
                .map(a -> new RetentionHold(a.id(), a.pointCreatedAt(), a.kind() + " on point " + a.pointId()))
                .toList();
    }

    Optional<Judged> point(String pointId) {
        return points.stream().filter(j -> j.point().pointId().equals(pointId)).findFirst();
    }
}

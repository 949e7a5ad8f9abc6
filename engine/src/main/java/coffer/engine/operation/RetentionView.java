package coffer.engine.operation;

import coffer.engine.plan.PointLifecycle;
import coffer.engine.policy.PointExpiry;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * Why a point is kept and until when: who made it ({@code POLICY} or {@code MANUAL}), its plan and policy,
 * immutability, its own expiry ({@code BY_RULES}, {@code AT} until, {@code NEVER}), the verdict now, and each
 * rule that keeps it.
 */
public record RetentionView(String point, String instance, String origin, String plan, String policy, boolean immutable,
                            Expiry expiry, boolean kept, Instant expiresAt, List<Reason> reasons) {

    public record Expiry(String kind, @JsonInclude(JsonInclude.Include.NON_NULL) Instant until) {
    }

    public record Reason(String kind, String rule, Instant until) {
    }

    public static RetentionView of(PointLifecycle.State s) {
        var p = s.point();
        Expiry expiry = switch (p.expiry()) {
            case PointExpiry.ByRules ignored -> new Expiry("BY_RULES", null);
            case PointExpiry.At at -> new Expiry("AT", at.instant());
            case PointExpiry.Never ignored -> new Expiry("NEVER", null);
        };
        return new RetentionView(p.pointId(), p.instanceId(), p.origin().name(), p.planId(), p.policyId(), p.immutable(),
                expiry, s.verdict().kept(), s.verdict().expiresAt().orElse(null), s.verdict().reasons().stream()
                .map(r -> new Reason(r.kind().name(), r.rule(), r.until().orElse(null))).toList());
    }
}

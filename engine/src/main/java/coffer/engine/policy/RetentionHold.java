package coffer.engine.policy;

import coffer.engine.policy.Verdict.Kind;
import coffer.engine.policy.Verdict.Reason;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A hold on an instance's older points while a change alert stands unacknowledged (docs/design/assurance.md): every
 * point created before {@code before} (the alerted point's creation time) is kept, whatever retention's rules say, so
 * that a guest that rewrote its disk cannot push its clean history out. {@link #apply} is the pure function that
 * extends retention's verdicts with the holds. Immutable.
 *
 * @param alertId the alert holding the points
 * @param before  points created strictly before this are held
 * @param why     what the alert measured, for the reason shown
 */
public record RetentionHold(String alertId, Instant before, String why) {
    public RetentionHold {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(before, "before");
    }

    /**
     * Retention's {@code verdicts} (in the order of {@code createdAt}: one creation time per verdict) with every point
     * that a hold covers kept by a {@link Kind#CHANGE_ALERT} reason, which lasts until the alert is acknowledged. The
     * verdict's time limit and open-endedness stay the rules', so the expiry shown (and a manual point's own expiry,
     * which the catalog keeps in the same column) is unchanged: a held point shows when its rules ended, and the
     * reason why it is still kept. Points no hold covers keep their verdicts unchanged. Pure.
     */
    public static List<Verdict> apply(List<Verdict> verdicts, List<Instant> createdAt, List<RetentionHold> holds) {
        if (verdicts.size() != createdAt.size()) {
            throw new IllegalArgumentException(verdicts.size() + " verdicts but " + createdAt.size() + " creation times");
        }
        if (holds.isEmpty()) {
            return List.copyOf(verdicts);
        }
        List<Verdict> result = new ArrayList<>(verdicts.size());
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            Instant created = createdAt.get(i);
            List<Reason> reasons = new ArrayList<>(v.reasons());
            for (RetentionHold hold : holds) {
                if (created.isBefore(hold.before())) {
                    reasons.add(new Reason(Kind.CHANGE_ALERT, "unacknowledged change alert " + hold.alertId()
                            + (hold.why() == null ? "" : " (" + hold.why() + ")"), Optional.empty()));
                }
            }
            result.add(reasons.size() == v.reasons().size() ? v
                    : new Verdict(v.pointId(), true, v.timeLimit(), v.openEnded(), reasons));
        }
        return result;
    }
}

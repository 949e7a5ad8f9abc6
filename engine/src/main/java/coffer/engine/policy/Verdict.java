package coffer.engine.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Retention's answer for one point at one {@code now}: kept or expired, and why.
 *
 * @param kept       whether any rule keeps the point now (if not, the retention job deletes it)
 * @param timeLimit  the latest end among the point's time-bound reasons (its pinned expiry, keep-for,
 *                   calendar rules), even if already past; empty when it has none
 * @param openEnded  whether a reason without an end keeps it (never-expire, keep-latest, newest point of a
 *                   protected instance): such a point is kept past {@code timeLimit}. An unacknowledged change alert
 *                   ({@link Kind#CHANGE_ALERT}) keeps a point past it too, but leaves this (and the expiry shown) alone
 * @param reasons    the rules keeping it, empty when expired
 */
public record Verdict(String pointId, boolean kept, Optional<Instant> timeLimit, boolean openEnded,
                      List<Reason> reasons) {

    /** One rule keeping a point. {@code until} is empty for rules without an end. */
    public record Reason(Kind kind, String rule, Optional<Instant> until) {
        @Override
        public String toString() {
            return rule + until.map(u -> " until " + u).orElse("");
        }
    }

    /** The kinds of rule that keep points. */
    public enum Kind {
        PINNED, NEVER_EXPIRES, KEEP_FOR, KEEP_LATEST, CALENDAR, NEWEST_OF_PROTECTED_INSTANCE,
        /** An unacknowledged change alert holds the instance's older points ({@link RetentionHold}). */
        CHANGE_ALERT
    }

    public Verdict {
        reasons = List.copyOf(reasons);
    }

    /**
     * The expiry to show and store: the time limit, unless an open-ended rule keeps the point. Being the newest
     * point of a protected instance does not hide a time limit still running: a plan's fresh point shows when its
     * rules end (it is kept past that only while it is still the newest), not "never" until the next backup.
     */
    public Optional<Instant> expiresAt() {
        boolean onlyNewest = reasons.stream().filter(r -> r.until().isEmpty())
                .allMatch(r -> r.kind() == Kind.NEWEST_OF_PROTECTED_INSTANCE);
        boolean timeBoundKeeps = reasons.stream().anyMatch(r -> r.until().isPresent());
        return openEnded && !(onlyNewest && timeBoundKeeps) ? Optional.empty() : timeLimit;
    }

    public boolean keptBy(Kind kind) {
        return reasons.stream().anyMatch(r -> r.kind() == kind);
    }
}

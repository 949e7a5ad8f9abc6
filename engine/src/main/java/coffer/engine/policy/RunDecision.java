package coffer.engine.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the scheduler does for one plan at {@code now}: run (for the slot {@code runFor}) or not, and the
 * next run time to persist. {@code coalesced} counts the missed slots folded into this run (they are not
 * run separately: at most one catch-up run). Compute it with {@link #decide}.
 */
public record RunDecision(Optional<Instant> runFor, long coalesced, Instant nextRun) {

    /**
     * The catch-up rule. Given the persisted next-run time and {@code now}:
     * <ul>
     * <li>{@code now} before it: nothing to run; the persisted time stays.</li>
     * <li>otherwise: run once now, for the latest slot at or before {@code now} (or the persisted time
     * itself if it is not on the schedule, e.g. a run-now or an edit); every other slot in
     * {@code [persisted, now]} is coalesced into this run; the next run is the first slot strictly after
     * {@code now}.</li>
     * </ul>
     * Restart-safety follows from the caller persisting {@code nextRun} in the same transaction that
     * queues the run: a restart before the commit re-decides the same slot (no skip); after it, the
     * persisted time is already past the slot (no double).
     */
    public static RunDecision decide(Schedule schedule, Instant persistedNextRun, Instant now) {
        if (now.isBefore(persistedNextRun)) {
            return new RunDecision(Optional.empty(), 0, persistedNextRun);
        }
        Instant slot = schedule.slotAtOrBefore(now).filter(s -> !s.isBefore(persistedNextRun))
                .orElse(persistedNextRun);
        long due = schedule.slotsBetween(persistedNextRun, now);
        boolean persistedIsSlot = schedule.slotsBetween(persistedNextRun, persistedNextRun) == 1;
        long runs = persistedIsSlot ? due : due + 1;
        return new RunDecision(Optional.of(slot), Math.max(0, runs - 1), schedule.nextAfter(now));
    }

    /** Whether this decision runs something. */
    public boolean runs() {
        return runFor.isPresent();
    }

    /** How late the run starts after its slot (zero when nothing runs). */
    public Duration lateness(Instant now) {
        return runFor.map(s -> Duration.between(s, now)).orElse(Duration.ZERO);
    }
}

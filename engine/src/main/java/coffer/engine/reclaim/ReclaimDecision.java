package coffer.engine.reclaim;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether one vault's gc runs now: a pure function of the settings, what is known of the vault and now
 * (docs/design/assurance.md, tested by tables in {@code ReclaimDecisionTest}). In order:
 * <ol>
 *   <li>never while a gc of the vault runs;</li>
 *   <li>after a step that found the vault busy or ran out of sweep budget, not before {@code retryAfter} has passed
 *       (backups get the vault in between);</li>
 *   <li>an unfinished sweep continues (its chunks are already due);</li>
 *   <li>a deletion not yet reclaimed runs a step at once: its space is due by {@code pendingSince + deadline}, and
 *       every step gives it a chance;</li>
 *   <li>with nothing deleted, a gc every {@code rescanEvery} since the last complete one (or at once when none ran
 *       since this process started) removes what failed backups left;</li>
 *   <li>else nothing until the next of those times.</li>
 * </ol>
 * A step always runs with the configured grace, lock wait and sweep budget: its expired points' chunks are older than
 * any grace (they were written when the points were made), so the deadline needs no shorter grace.
 *
 * <p>Stateless; thread-safe.
 */
public final class ReclaimDecision {
    private ReclaimDecision() {
    }

    /**
     * What is known of one vault.
     *
     * @param pendingSince  the earliest deletion not reclaimed yet
     * @param lastComplete  when the last gc that swept everything due finished
     * @param lastStep      when the last step ended, and how
     */
    public record State(Optional<Instant> pendingSince, Optional<Instant> lastComplete, Optional<Step> lastStep,
                        boolean running) {
        public static State fresh() {
            return new State(Optional.empty(), Optional.empty(), Optional.empty(), false);
        }
    }

    /** The end of a step and what it came to. */
    public record Step(Instant endedAt, ReclaimRun.Outcome outcome) {
    }

    /** The answer. */
    public sealed interface Decision {
        /** Run a gc step now with these parameters; {@code late}: the deadline of a pending deletion has passed. */
        record Run(Duration grace, Duration lockWait, Duration sweepBudget, Reason reason, boolean late) implements Decision {
        }

        /** Nothing before {@code until} (empty: a gc runs). */
        record Wait(Optional<Instant> until) implements Decision {
        }
    }

    /** Why a step runs. */
    public enum Reason { CONTINUE_SWEEP, DELETED, RESCAN }

    public static Decision decide(ReclaimSettings settings, State state, Instant now) {
        if (state.running()) {
            return new Decision.Wait(Optional.empty());
        }
        Optional<Instant> notBefore = state.lastStep()
                .filter(s -> s.outcome() != ReclaimRun.Outcome.COMPLETE)
                .map(s -> s.endedAt().plus(settings.retryAfter()));
        if (notBefore.isPresent() && now.isBefore(notBefore.get())) {
            return new Decision.Wait(notBefore);
        }
        boolean late = state.pendingSince().map(t -> !now.isBefore(t.plus(settings.deadline()))).orElse(false);
        if (state.lastStep().map(s -> s.outcome() == ReclaimRun.Outcome.PARTIAL).orElse(false)) {
            return run(settings, Reason.CONTINUE_SWEEP, late);
        }
        if (state.pendingSince().isPresent()) {
            return run(settings, Reason.DELETED, late);
        }
        Instant rescan = state.lastComplete().map(t -> t.plus(settings.rescanEvery())).orElse(Instant.MIN);
        if (!now.isBefore(rescan)) {
            return run(settings, Reason.RESCAN, false);
        }
        return new Decision.Wait(Optional.of(rescan));
    }

    private static Decision.Run run(ReclaimSettings settings, Reason reason, boolean late) {
        return new Decision.Run(settings.grace(), settings.lockWait(), settings.sweepBudget(), reason, late);
    }
}

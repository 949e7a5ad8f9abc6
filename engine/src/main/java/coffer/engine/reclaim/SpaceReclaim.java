package coffer.engine.reclaim;

import coffer.engine.error.Errors;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.VaultBusyException;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reclaims the space of deleted and expired points on time (docs/design/assurance.md): whoever deletes points says so
 * ({@link #noteDeleted}); a loop calls {@link #runIfDue} for each vault every few seconds; when
 * {@link ReclaimDecision} says a step is due, the vault's gc runs with the decided grace, lock wait and sweep budget,
 * and the step's {@link ReclaimRun} is returned. A step that finds backups holding the vault longer than the lock
 * wait gives up at once (they are never kept waiting by a waiting gc) and the next step tries again; a sweep whose
 * budget runs out leaves the rest for the next step, so one step keeps backups waiting for at most its budget.
 *
 * <p>The state is this process's: after a restart the first step of each vault is a rescan, which reclaims whatever
 * deletions happened before. Thread-safe: steps of one vault never overlap (a second caller is told to wait).
 */
public final class SpaceReclaim {
    private final VaultDirectory vaults;
    private final ReclaimSettings settings;
    private final Clock clock;
    private final Map<String, ReclaimDecision.State> states = new ConcurrentHashMap<>();
    /** Per vault: the latest deletion noted (whether a step that started before it can have reclaimed it). */
    private final Map<String, Instant> latestDeletion = new ConcurrentHashMap<>();

    public SpaceReclaim(VaultDirectory vaults, ReclaimSettings settings, Clock clock) {
        this.vaults = vaults;
        this.settings = settings;
        this.clock = clock;
    }

    /** Points of {@code vault} were deleted at {@code at}: their space is due by {@code at + deadline}. */
    public void noteDeleted(String vault, Instant at) {
        String name = vaults.nameOr(vault);
        latestDeletion.merge(name, at, (a, b) -> a.isAfter(b) ? a : b);
        states.compute(name, (k, state) -> {
            ReclaimDecision.State s = state == null ? ReclaimDecision.State.fresh() : state;
            Instant since = s.pendingSince().filter(t -> t.isBefore(at)).orElse(at);
            return new ReclaimDecision.State(Optional.of(since), s.lastComplete(), s.lastStep(), s.running());
        });
    }

    /** The earliest deletion of {@code vault} whose space no step has reclaimed yet (empty: none). */
    public Optional<Instant> pendingSince(String vault) {
        return state(vaults.nameOr(vault)).pendingSince();
    }

    /** What the decision would say now (for a loop that sleeps until the next due time). */
    public ReclaimDecision.Decision decision(String vault) {
        return ReclaimDecision.decide(settings, state(vaults.nameOr(vault)), clock.instant());
    }

    /**
     * Runs one gc step of {@code vault} if one is due; empty when none is (or one runs already).
     *
     * @throws coffer.engine.error.CofferException when gc fails (an unreadable index stops it before anything is
     *                                             deleted; a backend failure): the deletion stays pending
     */
    public Optional<ReclaimRun> runIfDue(String vault) {
        String name = vaults.nameOr(vault);
        Instant now = clock.instant();
        AtomicReference<ReclaimDecision.Decision.Run> due = new AtomicReference<>();
        ReclaimDecision.State before = states.compute(name, (k, state) -> {
            ReclaimDecision.State s = state == null ? ReclaimDecision.State.fresh() : state;
            if (ReclaimDecision.decide(settings, s, now) instanceof ReclaimDecision.Decision.Run run) {
                due.set(run);
                return new ReclaimDecision.State(s.pendingSince(), s.lastComplete(), s.lastStep(), true);
            }
            return s;
        });
        if (due.get() == null) {
            return Optional.empty();
        }
        try {
            ReclaimRun result = step(name, due.get(), before.pendingSince().orElse(null), now);
            finish(name, result);
            return Optional.of(result);
        } catch (RuntimeException e) {
            states.compute(name, (k, s) -> new ReclaimDecision.State(s.pendingSince(), s.lastComplete(),
                    Optional.of(new ReclaimDecision.Step(clock.instant(), ReclaimRun.Outcome.FAILED)), false));
            throw e;
        }
    }

    private ReclaimRun step(String name, ReclaimDecision.Decision.Run run, Instant pendingSince, Instant started) {
        GarbageCollector gc = new GarbageCollector(vaults.open(name));
        try {
            GcReport report = gc.collect(new GarbageCollector.Request(run.grace(), run.lockWait(), run.sweepBudget()));
            return new ReclaimRun(name, started, clock.instant(), run.reason(),
                    report.complete() ? ReclaimRun.Outcome.COMPLETE : ReclaimRun.Outcome.PARTIAL, report.sweptChunks(),
                    report.sweptBytes(), report.remainingChunks(), report.orphanObjects(), report.staleClaims(),
                    report.staleLeases(), report.lockHeld(), pendingSince, run.late(), null);
        } catch (VaultBusyException busy) {
            return new ReclaimRun(name, started, clock.instant(), run.reason(), ReclaimRun.Outcome.BUSY, 0, 0, 0, 0,
                    0, 0, Duration.ZERO, pendingSince, run.late(), busy.getMessage());
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    /**
     * A complete step reclaims every deletion noted before it started. Deletions noted while it ran stay pending (it
     * may have marked their points live before they went), due from the step's start at the latest.
     */
    private void finish(String name, ReclaimRun result) {
        states.compute(name, (k, s) -> {
            boolean complete = result.outcome() == ReclaimRun.Outcome.COMPLETE;
            Optional<Instant> pending = s.pendingSince();
            if (complete && pending.isPresent()) {
                Instant latest = latestDeletion.getOrDefault(name, Instant.MIN);
                pending = latest.isBefore(result.startedAt()) ? Optional.empty() : Optional.of(result.startedAt());
            }
            return new ReclaimDecision.State(pending, complete ? Optional.of(result.finishedAt()) : s.lastComplete(),
                    Optional.of(new ReclaimDecision.Step(result.finishedAt(), result.outcome())), false);
        });
    }

    private ReclaimDecision.State state(String name) {
        return states.getOrDefault(name, ReclaimDecision.State.fresh());
    }
}

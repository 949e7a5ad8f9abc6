package coffer.engine.verify;

import coffer.engine.catalog.VerifyRun;
import coffer.vault.maintenance.ChunkSample;

import java.time.Instant;
import java.util.Optional;

/**
 * Which verify of a vault is due, and which slice a sampled one reads: pure functions of the settings, the vault's
 * last runs and now (docs/design/assurance.md, tested by tables in {@code VerifyScheduleTest}).
 * <ul>
 *   <li>nothing while a verify of the vault runs;</li>
 *   <li>a full verify when none ever ran, or the last one finished {@code fullEvery} ago or more;</li>
 *   <li>else a sampled verify when the last run of either kind finished {@code sampledEvery} ago or more (a full
 *       run reads every slice, so it stands in for that day's sample), or none ever ran;</li>
 *   <li>else nothing until the earlier of the two due times.</li>
 * </ul>
 * The rotation's cursor is the slice of the vault's last sampled run: the next run reads the next slice, and a
 * rotation whose number of slices changed starts again at slice 0.
 *
 * <p>Stateless; thread-safe.
 */
public final class VerifySchedule {
    private VerifySchedule() {
    }

    /** What the schedule knows of one vault. */
    public record State(Optional<VerifyRun> lastFull, Optional<VerifyRun> lastSampled, boolean running) {
    }

    /** The schedule's answer. */
    public sealed interface Decision {
        /** Run a verify of this kind now. */
        record Run(VerifyRun.Kind kind) implements Decision {
        }

        /** Nothing to do before {@code next} (empty: never, both kinds are off; or a run is in progress). */
        record Idle(Optional<Instant> next) implements Decision {
        }
    }

    public static Decision decide(VerifySettings settings, State state, Instant now) {
        if (state.running()) {
            return new Decision.Idle(Optional.empty());
        }
        Optional<Instant> fullDue = settings.fullEvery() == null ? Optional.empty()
                : Optional.of(state.lastFull().map(r -> r.finishedAt().plus(settings.fullEvery())).orElse(Instant.MIN));
        if (fullDue.isPresent() && !fullDue.get().isAfter(now)) {
            return new Decision.Run(VerifyRun.Kind.FULL);
        }
        Optional<Instant> lastAny = latest(state.lastFull().map(VerifyRun::finishedAt),
                state.lastSampled().map(VerifyRun::finishedAt));
        Optional<Instant> sampledDue = settings.sampledEvery() == null ? Optional.empty()
                : Optional.of(lastAny.map(t -> t.plus(settings.sampledEvery())).orElse(Instant.MIN));
        if (sampledDue.isPresent() && !sampledDue.get().isAfter(now)) {
            return new Decision.Run(VerifyRun.Kind.SAMPLED);
        }
        Optional<Instant> next = fullDue.isEmpty() ? sampledDue
                : sampledDue.isEmpty() ? fullDue : Optional.of(earlier(fullDue.get(), sampledDue.get()));
        return new Decision.Idle(next);
    }

    /** The slice the vault's next sampled run reads, after {@code lastSampled}, in a rotation of {@code slices}. */
    public static ChunkSample nextSample(Optional<VerifyRun> lastSampled, int slices) {
        return lastSampled.filter(r -> r.slices() == slices)
                .map(r -> new ChunkSample((r.slice() + 1) % slices, slices))
                .orElse(new ChunkSample(0, slices));
    }

    private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}

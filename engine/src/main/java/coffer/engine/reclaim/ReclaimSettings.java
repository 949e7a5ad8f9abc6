package coffer.engine.reclaim;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.VaultLocks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the server reclaims space (docs/design/assurance.md).
 *
 * @param deadline    a deletion's space should be free within this (the seed documents promise about 10 minutes)
 * @param grace       unreferenced chunks younger than this are kept; at least {@link #minimumGrace()}
 * @param lockWait    how long one step waits for running backups before it gives the vault back to them
 * @param sweepBudget how long one step may delete chunks under the exclusive lock (how long a backup waits at most)
 * @param retryAfter  pause after a step found the vault busy, and between two steps of an unfinished sweep
 * @param rescanEvery with nothing deleted, a gc anyway this often (leftovers of failed backups)
 *
 * <p>Checked whole: every wrong value is named at once. Immutable.
 */
public record ReclaimSettings(Duration deadline, Duration grace, Duration lockWait, Duration sweepBudget,
                              Duration retryAfter, Duration rescanEvery) {
    public static final ReclaimSettings DEFAULTS = new ReclaimSettings(Duration.ofMinutes(10), Duration.ofHours(1),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofDays(1));

    public ReclaimSettings {
        List<String> problems = new ArrayList<>();
        for (var named : List.of(new Named("deadline", deadline), new Named("grace", grace),
                new Named("lockWait", lockWait), new Named("sweepBudget", sweepBudget),
                new Named("retryAfter", retryAfter), new Named("rescanEvery", rescanEvery))) {
            if (named.value() == null || named.value().isNegative() || named.value().isZero()) {
                problems.add(named.name() + ": " + named.value() + " must be a positive duration");
            }
        }
        if (grace != null && grace.compareTo(minimumGrace()) < 0) {
            problems.add("grace: " + grace + " is shorter than " + minimumGrace() + " (a vault lock goes stale after "
                    + VaultLocks.staleAfter() + "; a shorter grace could delete what a stalled backup wrote)");
        }
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "reclaim settings: " + String.join("; ", problems));
        }
    }

    /** The shortest grace allowed: the vault lock's staleness window and five minutes for clocks and refreshes. */
    public static Duration minimumGrace() {
        return VaultLocks.staleAfter().plusMinutes(5);
    }

    private record Named(String name, Duration value) {
    }
}

package coffer.engine.reclaim;

import coffer.engine.vault.VaultDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's reclaim loop and what it did (docs/design/assurance.md, "Space reclaimed on time"): {@link #tick} runs
 * a due step of each vault through {@link SpaceReclaim} and keeps, per vault, the totals since this process started
 * and its last {@value #KEPT} steps, for the API and {@code /metrics}; each step is logged. The history is this
 * process's (so is {@link SpaceReclaim}'s state). Thread-safe: one loop calls {@link #tick}, readers at any time.
 */
public final class ReclaimHistory {
    private static final Logger LOG = LoggerFactory.getLogger(ReclaimHistory.class);
    static final int KEPT = 20;

    private final SpaceReclaim reclaim;
    private final VaultDirectory vaults;
    private final Map<String, Totals> totals = new ConcurrentHashMap<>();

    /** One vault's reclaim: totals since the server started, the oldest deletion not yet reclaimed, recent steps. */
    public record VaultReclaim(String vault, long reclaimedBytes, long reclaimedChunks, int steps, Instant pendingSince,
                               List<ReclaimRun> recent) {
        public VaultReclaim {
            recent = List.copyOf(recent);
        }
    }

    public ReclaimHistory(SpaceReclaim reclaim, VaultDirectory vaults) {
        this.reclaim = reclaim;
        this.vaults = vaults;
    }

    public SpaceReclaim reclaim() {
        return reclaim;
    }

    /** Runs the due step of each vault, one after the other; a failing vault is logged and the others still run. */
    public List<ReclaimRun> tick() {
        List<ReclaimRun> ran = new ArrayList<>();
        for (String vault : vaults.names().stream().sorted().toList()) {
            try {
                reclaim.runIfDue(vault).ifPresent(run -> {
                    record(run);
                    ran.add(run);
                });
            } catch (RuntimeException e) {
                LOG.warn("space reclaim of vault {} failed (the deletion stays pending; the next step tries again): {}",
                        vault, e.getMessage());
            }
        }
        return ran;
    }

    private void record(ReclaimRun run) {
        totals.computeIfAbsent(run.vault(), v -> new Totals()).add(run);
        if (run.outcome() == ReclaimRun.Outcome.BUSY) {
            LOG.info("space reclaim of vault {} ({}): backups held the vault; trying again later{}", run.vault(),
                    run.reason(), run.late() ? " (late)" : "");
        } else {
            LOG.info("space reclaim of vault {} ({}): {} reclaimed bytes in {} chunk(s), {} left for the next step, lock held {} ms{}{}",
                    run.vault(), run.reason(), run.reclaimedBytes(), run.reclaimedChunks(), run.remainingChunks(),
                    run.lockHeld().toMillis(), staleRemoved(run), run.late() ? " (late)" : "");
        }
    }

    /** ", removed 1 stale claim(s) and 2 stale lease(s)" when the step's gc removed any, else empty. */
    public static String staleRemoved(ReclaimRun run) {
        if (run.staleClaims() + run.staleLeases() == 0) {
            return "";
        }
        return ", removed " + run.staleClaims() + " stale claim(s) and " + run.staleLeases() + " stale lease(s)";
    }

    /** Every configured vault's reclaim, by name. */
    public List<VaultReclaim> report() {
        List<VaultReclaim> all = new ArrayList<>();
        for (String vault : vaults.names().stream().sorted().toList()) {
            Totals t = totals.get(vault);
            Optional<Instant> pending = reclaim.pendingSince(vault);
            all.add(t == null ? new VaultReclaim(vault, 0, 0, 0, pending.orElse(null), List.of()) : t.view(vault, pending.orElse(null)));
        }
        return all;
    }

    /** One vault's totals and recent steps. Thread-safe (synchronized). */
    private static final class Totals {
        private long bytes;
        private long chunks;
        private int steps;
        private final Deque<ReclaimRun> recent = new ArrayDeque<>();

        synchronized void add(ReclaimRun run) {
            bytes += run.reclaimedBytes();
            chunks += run.reclaimedChunks();
            steps++;
            recent.addFirst(run);
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }

        synchronized VaultReclaim view(String vault, Instant pendingSince) {
            return new VaultReclaim(vault, bytes, chunks, steps, pendingSince, List.copyOf(recent));
        }
    }
}

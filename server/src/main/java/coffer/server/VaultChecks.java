package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks at the configured vaults at the server's start and then every {@link #PERIOD} ({@link LocalVaults#check}:
 * an open vault's config object asked for, a vault not open yet opened, a vault whose creation was deferred created),
 * in parallel with a bounded wait ({@link Bounded}: at most one look per vault at a time), so that {@code GET /api/v1/vaults},
 * {@code coffer vault list} and {@code coffer_vault_available} say which vault's store does not answer, and a vault
 * whose store answers again is used again without a restart. A change of a vault's state is logged once
 * (docs/server.md, "Vaults that do not answer").
 *
 * <p>What a look costs is spent only where it tells something: an available vault whose store answered a request of
 * normal use (a job's) within the period is not asked ({@link LocalVaults#answeredWithin}); an unavailable vault is
 * looked at after 1, 2 and 4 minutes, then every {@link #LONGEST} (a job that needs it tries its store too).
 *
 * <p>Runs on one thread (the server's background executor); not thread-safe otherwise.
 */
final class VaultChecks {
    static final Duration PERIOD = Duration.ofMinutes(1);
    /** The longest wait between two looks at a vault that stays unavailable: the bound on seeing it answer again. */
    static final Duration LONGEST = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(VaultChecks.class);

    private final LocalVaults vaults;
    private final Duration patience;
    private final Bounded looks;
    private final Clock clock;
    private final Map<String, Instant> due = new ConcurrentHashMap<>();
    private final Map<String, Integer> failedLooks = new ConcurrentHashMap<>();

    VaultChecks(LocalVaults vaults, Duration patience, Bounded looks, Clock clock) {
        this.vaults = vaults;
        this.patience = patience;
        this.looks = looks;
        this.clock = clock;
    }

    /**
     * Looks at every vault that is due, all at once (each on its own thread, {@link Bounded}), waiting at most the
     * patience in all: a round takes about the patience however many stores do not answer.
     */
    void checkAll() {
        Instant now = clock.instant();
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, VaultState> before = new LinkedHashMap<>();
        Map<String, Bounded.Call<VaultState>> asked = new LinkedHashMap<>();
        for (String name : vaults.names()) {
            Instant next = due.get(name);
            if (next != null && now.isBefore(next)) {
                continue;
            }
            VaultState was = vaults.state(name);
            before.put(name, was);
            if (!(was.isAvailable() && vaults.answeredWithin(name, PERIOD))) {
                asked.put(name, looks.start(name, () -> vaults.check(name), what(name), deadline));
            }
        }
        for (Map.Entry<String, VaultState> entry : before.entrySet()) {
            String name = entry.getKey();
            Bounded.Call<VaultState> look = asked.get(name);
            VaultState found = look == null ? vaults.state(name) : await(name, look, deadline);
            if (found.isAvailable()) {
                failedLooks.remove(name);
                due.put(name, now.plus(PERIOD));
            } else {
                int failed = failedLooks.merge(name, 1, Integer::sum);
                due.put(name, now.plus(backOff(failed)));
            }
            VaultState was = entry.getValue();
            if (found.isAvailable() && VaultState.UNAVAILABLE.equals(was.state())) {
                LOG.info("vault '{}' of region {} is available again", name, vaults.regionOf(name));
            } else if (!found.isAvailable() && !VaultState.UNAVAILABLE.equals(was.state())) {
                LOG.warn("vault '{}' of region {} is unavailable: {}", name, vaults.regionOf(name), found.problem());
            }
        }
    }

    /** The wait before the next look at a vault after {@code failed} looks in a row found it unavailable. */
    static Duration backOff(int failed) {
        Duration wait = PERIOD.multipliedBy(1L << Math.min(failed - 1, 10));
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }

    private String what(String name) {
        return "the storage of vault '" + name + "' (" + ServerVaults.where(vaults.locationOf(name)) + ")";
    }

    private VaultState await(String name, Bounded.Call<VaultState> look, long deadline) {
        try {
            return looks.await(look, deadline, patience);
        } catch (CofferException e) {
            if (e.code() == coffer.engine.error.ErrorCode.StorageFailure) {
                vaults.recordUnanswered(name, e.code() + ": " + e.getMessage()); // no answer in time: a hang
            } else {
                vaults.recordUnavailable(name, e.code() + ": " + e.getMessage());
            }
        } catch (RuntimeException e) {
            vaults.recordUnavailable(name, String.valueOf(e.getMessage()));
        }
        return vaults.state(name);
    }
}

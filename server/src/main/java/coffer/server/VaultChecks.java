package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Looks at every configured vault at the server's start and then every {@link #PERIOD} ({@link LocalVaults#check}:
 * an open vault's config object asked for, a vault not open yet opened, a vault whose creation was deferred created),
 * each given a bounded wait, so that {@code GET /api/v1/vaults}, {@code coffer vault list} and
 * {@code coffer_vault_available} say which vault's store does not answer, and a vault whose store answers again is used
 * again without a restart. A change of a vault's state is logged once (docs/server.md, "Vaults that do not answer").
 *
 * <p>Runs on one thread (the server's background executor); not thread-safe otherwise.
 */
final class VaultChecks {
    static final Duration PERIOD = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(VaultChecks.class);

    private final LocalVaults vaults;
    private final Duration patience;

    VaultChecks(LocalVaults vaults, Duration patience) {
        this.vaults = vaults;
        this.patience = patience;
    }

    void checkAll() {
        for (String name : vaults.names()) {
            VaultState before = vaults.state(name);
            VaultState now;
            try {
                now = Bounded.call(() -> vaults.check(name), patience, "the storage of vault '" + name + "' ("
                        + ServerVaults.where(vaults.locationOf(name)) + ")");
            } catch (CofferException e) {
                vaults.recordUnavailable(name, e.code() + ": " + e.getMessage());
                now = vaults.state(name);
            } catch (RuntimeException e) {
                vaults.recordUnavailable(name, String.valueOf(e.getMessage()));
                now = vaults.state(name);
            }
            if (now.isAvailable() && VaultState.UNAVAILABLE.equals(before.state())) {
                LOG.info("vault '{}' of region {} is available again", name, vaults.regionOf(name));
            } else if (!now.isAvailable() && !VaultState.UNAVAILABLE.equals(before.state())) {
                LOG.warn("vault '{}' of region {} is unavailable: {}", name, vaults.regionOf(name), now.problem());
            }
        }
    }
}

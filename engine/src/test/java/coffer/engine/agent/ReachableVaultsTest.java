package coffer.engine.agent;

import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vaults an agent announces (docs/design/agents.md "Where the agent writes"): only those of its configuration it
 * can open now, checked afresh at each announce, on real directory vaults: one present, one whose directory is not
 * there (not mounted), one encrypted whose key ring is missing; a vault created (mounted) later is announced, one
 * moved away (unmounted) is no longer, even once opened and kept open by a job.
 */
class ReachableVaultsTest {
    @TempDir Path dir;

    @Test
    void onlyTheVaultsThatOpenNowAreAnnounced() throws Exception {
        Path keyRing = dir.resolve("keyring.json");
        Path present = dir.resolve("present");
        Path later = dir.resolve("later");
        Path locked = dir.resolve("locked");
        new VaultOpener(keyRing).create(present, VaultOpener.DEFAULT_CHUNK_SIZE, false).close();
        new VaultOpener(dir.resolve("other-keyring.json")).create(locked, VaultOpener.DEFAULT_CHUNK_SIZE, true).close();
        try (LocalVaults vaults = new LocalVaults(Map.of(
                "present", new LocalVaults.Location(present, keyRing),
                "later", new LocalVaults.Location(later, keyRing),
                "locked", new LocalVaults.Location(locked, keyRing)), "present")) {
            ReachableVaults reachable = new ReachableVaults(vaults);
            assertEquals(List.of("present"), reachable.check(), "not mounted, and keys not available: left out");
            assertTrue(vaults.whyUnreachable("later").orElseThrow().startsWith("NotAVault: "),
                    vaults.whyUnreachable("later").toString());
            String locking = vaults.whyUnreachable("locked").orElseThrow();
            assertTrue(!locking.isBlank() && !locking.contains("\"key\""), locking);

            // mounted later: announced at the next check
            new VaultOpener(keyRing).create(later, VaultOpener.DEFAULT_CHUNK_SIZE, false).close();
            assertEquals(List.of("later", "present"), reachable.check());

            // a vault open in the directory (a job used it), then unmounted: no longer announced
            vaults.open("present");
            Files.move(present, dir.resolve("present-unmounted"));
            assertEquals(List.of("later"), reachable.check());
            Files.move(dir.resolve("present-unmounted"), present);
            assertEquals(List.of("later", "present"), reachable.check(), "mounted again");
        }
    }
}

package coffer.engine.operation.offline;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.BackupInstance;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.testing.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An offline backup opens its vault while it asks libvirt about the domain (docs/performance.md, session 25), yet a
 * vault that does not open is still the error the command reports, as when the vault was opened before anything else:
 * also when the domain is missing too, which libvirt's side finds first. With a vault that opens, the missing domain is
 * the error. libvirt's test driver ({@code test:///default}, in-process) answers for the domain.
 */
class OfflineBackupVaultFirstIT {
    private static final String MISSING = "coffer-fixed25-no-such-domain";

    @TempDir Path dir;

    @Test
    void aVaultThatDoesNotOpenIsTheErrorEvenWhenTheDomainIsMissingToo() {
        Environment.requireCommand("virsh"); // libvirt's library installed
        Path notAVault = dir.resolve("no-vault-here");
        CofferException failure = assertThrows(CofferException.class, () -> backup(notAVault));
        assertEquals(ErrorCode.NotAVault, failure.code(), failure.getMessage());
        assertTrue(failure.getMessage().contains(notAVault.toString()), failure.getMessage());
    }

    @Test
    void aVaultThatOpensLeavesTheMissingDomainAsTheError() throws Exception {
        Environment.requireCommand("virsh");
        Path vault = dir.resolve("vault");
        new VaultOpener(dir.resolve("keyring.json")).create(vault, 256 * 1024, true).close();
        CofferException failure = assertThrows(CofferException.class, () -> backup(vault));
        assertEquals(ErrorCode.InstanceNotFound, failure.code(), failure.getMessage());
        try (var left = Files.list(Files.createDirectories(dir.resolve("run")))) {
            assertEquals(0, left.count(), "no run directory");
        }
    }

    private void backup(Path vault) throws Exception {
        try (OfflineOperations offline = new OfflineOperations(new OfflineOperations.Settings(
                new VaultLocation.Directory(vault), dir.resolve("keyring.json"), "test:///default",
                Files.createDirectories(dir.resolve("run")), 1, Clock.systemUTC()))) {
            offline.start(new BackupInstance(MISSING, null, null, null, null, false, null, null, null))
                    .await(JobProgress.NONE);
        }
    }
}

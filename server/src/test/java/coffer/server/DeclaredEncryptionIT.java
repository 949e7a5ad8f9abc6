package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.server.config.ServerConfig;
import coffer.testing.S3Server;
import coffer.vault.Vault;
import coffer.vault.backend.Backend;
import coffer.vault.backend.s3.S3Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's {@code encrypted: true} checked when an existing vault is opened (docs/design/security.md): someone with
 * the storage but not the key removes every point and replaces the config object by an unencrypted vault's. The vault's
 * own check looks at points and finds none, so before session 22 the server opened the vault as unencrypted and would
 * have written new points in plain text; now it refuses with {@code DataCorrupt} naming the vault and the config, on a
 * directory and on S3 (s3proxy). A vault declared unencrypted whose config is encrypted is refused too.
 */
class DeclaredEncryptionIT {
    @TempDir
    Path dir;

    @Test
    void aDirectoryVaultDeclaredEncryptedWhoseConfigWasReplacedByAnUnencryptedOneIsRefused() throws Exception {
        VaultLocation location = VaultLocation.directory(dir.resolve("vault"));
        replacedConfigIsRefused(location);
    }

    @Test
    void anS3VaultDeclaredEncryptedWhoseConfigWasReplacedByAnUnencryptedOneIsRefused() throws Exception {
        S3Server server = S3Server.shared();
        VaultLocation location = new VaultLocation.Bucket(new S3Location("coffer-rollback22-declared-"
                + ProcessHandle.current().pid(), "vault"), server.settings());
        replacedConfigIsRefused(location);
    }

    @Test
    void aVaultDeclaredUnencryptedWhoseConfigIsEncryptedIsRefused() {
        Path keyring = dir.resolve("keyring");
        VaultLocation location = VaultLocation.directory(dir.resolve("vault"));
        List<ServerConfig.VaultEntry> encrypted = List.of(new ServerConfig.VaultEntry("default", location, keyring, true));
        try (LocalVaults vaults = ServerVaults.openOrCreate(encrypted, Clock.systemUTC())) {
            assertTrue(vaults.open("default").config().encrypted());
        }
        List<ServerConfig.VaultEntry> plain = List.of(new ServerConfig.VaultEntry("default", location, keyring, false));
        try (LocalVaults vaults = ServerVaults.openOrCreate(plain, Clock.systemUTC())) {
            CofferException e = assertThrows(CofferException.class, () -> vaults.open("default"));
            assertEquals(ErrorCode.DataCorrupt, e.code());
            assertTrue(e.getMessage().contains("declared unencrypted") && e.getMessage().contains("encrypted: true"),
                    e.getMessage());
        }
    }

    private void replacedConfigIsRefused(VaultLocation location) throws Exception {
        Path keyring = dir.resolve("keyring");
        List<ServerConfig.VaultEntry> entries = List.of(new ServerConfig.VaultEntry("default", location, keyring, true));
        try (LocalVaults vaults = ServerVaults.openOrCreate(entries, Clock.systemUTC())) {
            assertTrue(vaults.open("default").config().encrypted());
        }
        // the adversary: an unencrypted vault's config object in place of the vault's own (the vault has no points: the
        // adversary removed them, or there were none yet)
        ByteBuffer plainConfig;
        try (Vault plain = new VaultOpener(keyring).create(dir.resolve("plain"), VaultOpener.DEFAULT_CHUNK_SIZE, false)) {
            assertFalse(plain.config().encrypted());
            plainConfig = plain.backend().get(Vault.CONFIG);
        }
        try (Backend storage = location.backend()) {
            storage.put(Vault.CONFIG, plainConfig);
            assertTrue(storage.list("points/").isEmpty());
        }

        try (LocalVaults vaults = ServerVaults.openOrCreate(entries, Clock.systemUTC())) {
            CofferException e = assertThrows(CofferException.class, () -> vaults.open("default"));
            assertEquals(ErrorCode.DataCorrupt, e.code());
            assertTrue(e.getMessage().contains("vault 'default' is declared encrypted") && e.getMessage().contains("'config'"),
                    e.getMessage());
            assertTrue(vaults.state("default").problem().startsWith("DataCorrupt"), vaults.state("default").toString());
            String why = vaults.whyUnreachable("default").orElseThrow();
            assertTrue(why.startsWith("DataCorrupt: vault 'default' is declared encrypted"), why);
            // refused again on the next use: nothing was opened and kept
            assertEquals(ErrorCode.DataCorrupt, assertThrows(CofferException.class, () -> vaults.open("default")).code());
        }
        try (Backend storage = location.backend()) {
            assertTrue(storage.list("points/").isEmpty(), "nothing was written to the refused vault");
        }
    }
}

package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultLocation;
import coffer.server.config.ServerConfig;
import coffer.testing.S3Server;
import coffer.vault.Vault;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's configured vaults on S3: the first start creates the bucket and an encrypted vault under the
 * prefix, a restart opens the same vault, and a prefix that holds something else is refused by name.
 */
class ServerVaultsIT {
    @TempDir
    Path dir;

    @Test
    void anS3VaultOfTheConfigurationIsCreatedOnceAndOpenedAfter() throws Exception {
        S3Server server = S3Server.shared();
        String bucket = "coffer-server-" + ProcessHandle.current().pid(); // absent: the first start creates it
        VaultLocation offsite = new VaultLocation.Bucket(new S3Location(bucket, "host-1"), server.settings());
        List<ServerConfig.VaultEntry> entries = List.of(
                new ServerConfig.VaultEntry("default", dir.resolve("vault"), dir.resolve("keyring"), true),
                new ServerConfig.VaultEntry("offsite", offsite, dir.resolve("keyring"), true));
        String vaultId;
        try (LocalVaults vaults = ServerVaults.openOrCreate(entries, java.time.Clock.systemUTC())) {
            Vault vault = vaults.open("offsite");
            assertInstanceOf(S3Backend.class, vault.backend());
            assertTrue(vault.config().encrypted());
            vaultId = vault.config().vaultId();
            assertFalse(vaultId.equals(vaults.open("default").config().vaultId()));
        }
        try (LocalVaults vaults = ServerVaults.openOrCreate(entries, java.time.Clock.systemUTC())) {
            assertEquals(vaultId, vaults.open("offsite").config().vaultId(), "a restart opens the same vault");
        }

        try (S3Backend other = S3Backend.open(new S3Location(bucket, "not-a-vault"), server.settings())) {
            other.put("readme", ByteBuffer.wrap(new byte[]{1}));
        }
        VaultLocation taken = new VaultLocation.Bucket(new S3Location(bucket, "not-a-vault"), server.settings());
        CofferException e = assertThrows(CofferException.class, () -> ServerVaults.openOrCreate(
                List.of(new ServerConfig.VaultEntry("taken", taken, dir.resolve("keyring"), true)), java.time.Clock.systemUTC()));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("s3://" + bucket + "/not-a-vault") && e.getMessage().contains("not empty"),
                e.getMessage());
    }
}

package coffer.vault;

import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In an encrypted vault a lock's, lease's or claim's purpose, which names an instance, is sealed with the vault's key
 * (docs/format/lock.md): whoever holds the storage does not read it, a key holder's messages still name it.
 */
class SealedLockPurposeTest {
    private static final String INSTANCE = "payroll-db-7731";

    @TempDir
    Path dir;

    /** Every byte stored under {@code locks/}, {@code leases/} and {@code claims/}, as the storage's holder sees it. */
    private static String heldObjectsAsStored(TestVault vault) throws IOException {
        StringBuilder all = new StringBuilder();
        for (String prefix : List.of("locks/", "leases/", "claims/")) {
            for (ObjectInfo info : vault.backend().list(prefix)) {
                ByteBuffer stored = vault.backend().get(info.name());
                all.append(StandardCharsets.ISO_8859_1.decode(stored)).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void theStoredLocksOfAnEncryptedVaultDoNotNameTheInstanceAndKeyHoldersSeeIt() throws Exception {
        try (TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir)) {
            PointManifest point = vault.backup("web", TestData.random(3, CHUNK));
            List<AutoCloseable> held = new ArrayList<>();
            held.add(vault.vault().locks().shared("backup of " + INSTANCE, Duration.ZERO));
            held.add(vault.vault().leases().take(point.id(), "mount of " + INSTANCE));
            held.add(vault.vault().claims().take("20260101-000000-0000beef", "replication of " + INSTANCE));

            String stored = heldObjectsAsStored(vault);
            assertEquals(3, stored.lines().count(), stored);
            assertFalse(stored.contains(INSTANCE), stored);
            assertTrue(stored.contains(LockPurpose.SEALED), "a reader of an earlier build shows this: " + stored);

            VaultBusyException busy = assertThrows(VaultBusyException.class,
                    () -> vault.vault().locks().exclusive("gc sweep", Duration.ZERO));
            assertTrue(busy.getMessage().contains("the vault is busy: backup of " + INSTANCE + " (shared lock of pid"),
                    busy.getMessage());
            PointInUseException inUse = assertThrows(PointInUseException.class,
                    () -> vault.vault().deletePoint(point.id()));
            assertTrue(inUse.getMessage().contains("mount of " + INSTANCE), inUse.getMessage());
            VaultBusyException claimed = assertThrows(VaultBusyException.class,
                    () -> vault.vault().claims().take("20260101-000000-0000beef", "replication again"));
            assertTrue(claimed.getMessage().contains("replication of " + INSTANCE), claimed.getMessage());
            for (AutoCloseable h : held) {
                h.close();
            }
        }
    }

    @Test
    void aSealedPurposeCopiedIntoAnotherLockDoesNotOpenThereAndAPlainReaderSaysItIsSealed() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir)) {
            try (VaultLocks.Lock lock = vault.vault().locks().shared("backup of " + INSTANCE, Duration.ZERO)) {
                VaultLocks.Body body = Json.MAPPER.readValue(vault.backend().get(lock.name()).array(),
                        VaultLocks.Body.class);
                assertEquals(LockPurpose.SEALED, body.purpose());
                vault.backend().put("locks/exclusive-copied", ByteBuffer.wrap(new VaultLocks.Body("EXCLUSIVE",
                        body.host(), body.pid(), "x", body.createdAt(), body.boot(), body.sealedPurpose(), 2).bytes()));
                // the copy is a live lock of this process: its purpose does not open under another name
                VaultBusyException busy = assertThrows(VaultBusyException.class,
                        () -> vault.vault().locks().shared("backup of b", Duration.ZERO));
                assertTrue(busy.getMessage().contains("a sealed purpose that does not open with this vault's key"),
                        busy.getMessage());
                assertEquals(LockPurpose.SEALED, LockPurpose.PLAIN.revealed(lock.name(), body).purpose());
                vault.backend().delete("locks/exclusive-copied");
            }
        }
    }

    @Test
    void aVaultWithoutEncryptionStoresThePurposePlainAsBefore() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir);
             VaultLocks.Lock lock = vault.vault().locks().shared("backup of " + INSTANCE, Duration.ZERO)) {
            assertTrue(heldObjectsAsStored(vault).contains("\"purpose\":\"backup of " + INSTANCE + "\""));
        }
    }
}

package coffer.vault;

import coffer.vault.backend.MemoryBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lock body's {@code boot} is written by whoever holds the storage (docs/design/security.md): one shorter than a
 * boot id is shown as it is in the busy message. Before, naming the holder failed with a
 * StringIndexOutOfBoundsException instead of the vault's busy error.
 */
class ShortBootInALockTest {
    @Test
    void aLockWhoseBootIsShortIsNamedInTheBusyMessage() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        String stored = "{\"kind\":\"EXCLUSIVE\",\"host\":\"another-host\",\"pid\":1,\"purpose\":\"gc of b\","
                + "\"createdAt\":\"" + Instant.now() + "\",\"boot\":\"ab\",\"version\":2}";
        backend.put("locks/exclusive-short", ByteBuffer.wrap(stored.getBytes(StandardCharsets.UTF_8)));

        VaultBusyException busy = assertThrows(VaultBusyException.class,
                () -> new VaultLocks(backend).shared("backup of a", Duration.ZERO));
        assertTrue(busy.getMessage().contains("gc of b (exclusive lock of pid 1 on another-host (boot ab) since"),
                busy.getMessage());
    }
}

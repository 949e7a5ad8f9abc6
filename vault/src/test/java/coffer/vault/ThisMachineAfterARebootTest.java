package coffer.vault;

import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.MutableClock;
import coffer.testing.OtherMachine;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This machine's own locks of an earlier boot (docs/design/locking.md, session 23): a body naming this host name, this
 * machine's id and a boot this machine remembers having had ({@link EarlierBootOfThisMachine}, the test double for a
 * reboot) holds nothing, whatever its pid (a pid of the earlier boot may name another process now), and is removed at
 * once; before, it waited 15 minutes. A clone sharing this machine's id ({@link OtherMachine#cloneOfThisMachine}), another
 * machine id, and a body without one (session 22's) still wait for their age.
 */
class ThisMachineAfterARebootTest {
    private final MutableClock clock = new MutableClock(Instant.now());
    private final MemoryBackend backend = new MemoryBackend(clock);
    private final VaultLocks locks = new VaultLocks(backend);
    private final long livePid = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private void put(String name, String boot, String machine) throws IOException {
        backend.put(name, ByteBuffer.wrap(new VaultLocks.Body("EXCLUSIVE", HostName.get(), livePid, "gc sweep",
                Instant.now(), boot, null, 2, machine).bytes()));
    }

    @Test
    void aLockOfAnEarlierBootOfThisMachineIsRemovedAtOnceThoughItsPidRunsNow() throws IOException {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(dir)) {
            put("locks/exclusive-before-reboot", earlier.boot(), OtherMachine.thisMachine());

            locks.shared("backup of a", Duration.ZERO).close();
            assertFalse(backend.exists("locks/exclusive-before-reboot"), "this machine's process of its earlier boot is gone");
        }
    }

    @Test
    void aCloneSharingThisMachinesIdAnotherMachineAndABodyWithoutAMachineIdStillWaitForTheirAge() throws IOException {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(dir)) {
            OtherMachine clone = OtherMachine.cloneOfThisMachine();
            put("locks/exclusive-clone", clone.boot(), clone.machine());
            put("locks/exclusive-other", earlier.boot(), OtherMachine.ofThisHostName().machine());
            put("locks/exclusive-session22", earlier.boot(), null);

            for (int left = 3; left > 0; left--) {
                assertThrows(VaultBusyException.class, () -> locks.shared("backup of a", Duration.ZERO));
            }
            assertTrue(backend.exists("locks/exclusive-clone"), "a live clone's lock is not broken");
            assertTrue(backend.exists("locks/exclusive-other"));
            assertTrue(backend.exists("locks/exclusive-session22"));

            backend.delete("locks/exclusive-clone");
            backend.delete("locks/exclusive-other");
            assertThrows(VaultBusyException.class, () -> locks.shared("backup of a", Duration.ZERO),
                    "a body without a machine id waits as in session 22");
        }
    }

    @Test
    void theStoredBodyNamesThisMachine() throws IOException {
        try (VaultLocks.Lock lock = locks.shared("backup of a", Duration.ZERO)) {
            VaultLocks.Body stored = Json.MAPPER.readValue(backend.get(lock.name()).array(), VaultLocks.Body.class);
            assertEquals(OtherMachine.thisMachine(), stored.machine());
            assertEquals(OtherMachine.thisBoot(), stored.boot());
            assertEquals(2, stored.version(), "a field readers of version 2 ignore");
        }
    }

    @Test
    void theHistoryRemembersABootOnceAndKeepsTheNewest() throws IOException {
        Path history = dir.resolve("state/boots");
        assertTrue(EarlierBoots.remember(history, "0".repeat(32)));
        assertTrue(EarlierBoots.remember(history, "0".repeat(32)));
        assertEquals(List.of("0".repeat(32)), Files.readAllLines(history));
        for (int i = 1; i <= EarlierBoots.KEPT; i++) {
            EarlierBoots.remember(history, String.format("%032x", i));
        }
        List<String> kept = Files.readAllLines(history);
        assertEquals(EarlierBoots.KEPT, kept.size());
        assertEquals(String.format("%032x", EarlierBoots.KEPT), kept.getLast());
        assertFalse(kept.contains("0".repeat(32)), "the oldest went");
    }
}

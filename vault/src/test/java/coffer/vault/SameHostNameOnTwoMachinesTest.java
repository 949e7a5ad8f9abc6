package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.MutableClock;
import coffer.testing.OtherMachine;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.format.Json;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two machines of one host name (docs/design/locking.md, "Whose process is gone"): a lock, lease or claim, or an
 * unfinished marker, of the other machine ({@link OtherMachine}, the test double for the machine that cannot run
 * here) is never judged by its pid here; one of this machine and boot, or one written before the boot id, whose
 * process is gone, still is at once.
 */
class SameHostNameOnTwoMachinesTest {
    private final MutableClock clock = new MutableClock(Instant.now());
    private final MemoryBackend backend = new MemoryBackend(clock);
    private final VaultLocks locks = new VaultLocks(backend);
    private final OtherMachine other = OtherMachine.ofThisHostName();

    @TempDir
    Path dir;

    private void put(String name, VaultLocks.Body body) throws IOException {
        backend.put(name, ByteBuffer.wrap(body.bytes()));
    }

    @Test
    void aLockOfAnotherMachineOfThisHostNameHoldsThoughNoProcessHereHasItsPid() throws IOException {
        put("locks/exclusive-other", new VaultLocks.Body("EXCLUSIVE", other.host(), VaultLocksTest.DEAD_PID,
                "gc sweep", Instant.now(), other.boot(), null, 2));

        VaultBusyException busy = assertThrows(VaultBusyException.class, () -> locks.shared("backup of a",
                Duration.ZERO));
        assertTrue(busy.getMessage().contains("gc sweep (exclusive lock of pid " + VaultLocksTest.DEAD_PID + " on "
                + other.host() + " (boot " + other.boot().substring(0, 8) + ")"), busy.getMessage());
        assertTrue(backend.exists("locks/exclusive-other"), "the other machine's live lock was not broken");
    }

    @Test
    void aLockOfAnotherMachineOfThisHostNameGoesStaleByItsAgeOnly() throws IOException {
        clock.set(Instant.now().minus(VaultLocks.STALE).minusSeconds(60));
        put("locks/exclusive-other", new VaultLocks.Body("EXCLUSIVE", other.host(), VaultLocksTest.DEAD_PID,
                "gc sweep", Instant.now(), other.boot(), null, 2));
        clock.set(Instant.now());

        locks.shared("backup of a", Duration.ZERO).close();
        assertFalse(backend.exists("locks/exclusive-other"), "a lock not rewritten for 15 minutes is stale");
    }

    @Test
    void aLockOfThisBootWhoseProcessIsGoneIsRemovedAtOnce() throws IOException {
        put("locks/exclusive-dead", new VaultLocks.Body("EXCLUSIVE", HostName.get(), VaultLocksTest.DEAD_PID,
                "gc sweep", Instant.now(), OtherMachine.thisBoot(), null, 2));

        locks.shared("backup of a", Duration.ZERO).close();
        assertFalse(backend.exists("locks/exclusive-dead"), "a dead process of this boot holds nothing");
    }

    @Test
    void aVersion1LockOfThisHostNameWhoseProcessIsGoneIsRemovedAtOnceAsBefore() throws IOException {
        String stored = "{\"kind\":\"EXCLUSIVE\",\"host\":\"" + HostName.get() + "\",\"pid\":"
                + VaultLocksTest.DEAD_PID + ",\"purpose\":\"gc sweep\",\"createdAt\":\"" + Instant.now() + "\"}";
        backend.put("locks/exclusive-v1", ByteBuffer.wrap(stored.getBytes(StandardCharsets.UTF_8)));
        String live = "{\"kind\":\"EXCLUSIVE\",\"host\":\"another-host\",\"pid\":1,\"purpose\":\"gc of b\","
                + "\"createdAt\":\"" + Instant.now() + "\"}";
        backend.put("locks/exclusive-v1-live", ByteBuffer.wrap(live.getBytes(StandardCharsets.UTF_8)));

        VaultBusyException busy = assertThrows(VaultBusyException.class, () -> locks.shared("backup of a",
                Duration.ZERO));
        assertTrue(busy.getMessage().contains("gc of b (exclusive lock of pid 1 on another-host since"),
                busy.getMessage());
        assertFalse(backend.exists("locks/exclusive-v1"), "a version 1 lock of a dead process here went at once");
    }

    @Test
    void theStoredBodyNamesThisBootAndVersion2() throws IOException {
        try (VaultLocks.Lock lock = locks.shared("backup of a", Duration.ZERO)) {
            VaultLocks.Body stored = Json.MAPPER.readValue(backend.get(lock.name()).array(), VaultLocks.Body.class);
            assertEquals(OtherMachine.thisBoot(), stored.boot());
            assertEquals(2, stored.version());
            assertEquals("backup of a", stored.purpose(), "plain in a vault without encryption, as before");
        }
    }

    @Test
    void aLeaseOfAnotherMachineOfThisHostNameKeepsItsPointFromDeletion() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("web", TestData.random(1, CHUNK));
            byte[] lease = new VaultLocks.Body("SERVE", other.host(), VaultLocksTest.DEAD_PID, "mount of web",
                    Instant.now(), other.boot(), null, 2).bytes();
            vault.backend().put(PointLeases.PREFIX + point.id() + "/other", ByteBuffer.wrap(lease));

            PointInUseException inUse = assertThrows(PointInUseException.class,
                    () -> vault.vault().deletePoint(point.id()));
            assertTrue(inUse.getMessage().contains("mount of web"), inUse.getMessage());
        }
    }

    @Test
    void anUnfinishedPointOfAnotherMachineOfThisHostNameKeepsAFailedBackupsChunksOneOfThisBootDoesNot()
            throws Exception {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            String elsewhere = PointIds.newId(vault.nextCreationTime());
            new UnfinishedMarker(UnfinishedMarker.FORMAT, UnfinishedMarker.VERSION, "write", other.host(),
                    VaultLocksTest.DEAD_PID, vault.nextCreationTime(), other.boot()).put(vault.vault(), elsewhere);
            PointWriter first = PointWriter.begin(vault.vault(), "a", vault.nextCreationTime(), 2);
            first.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(90, 2 * CHUNK)), "raw", null,
                    Progress.NONE);
            first.close();
            assertEquals(0, first.reclaimed().removedChunks(), "the other machine's writer may be writing on");
            assertTrue(first.reclaimed().leftBecause().contains(elsewhere), first.reclaimed().leftBecause());
        }
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            String killed = PointIds.newId(vault.nextCreationTime());
            new UnfinishedMarker(UnfinishedMarker.FORMAT, UnfinishedMarker.VERSION, "write", HostName.get(),
                    VaultLocksTest.DEAD_PID, vault.nextCreationTime(), OtherMachine.thisBoot())
                    .put(vault.vault(), killed);
            PointWriter second = PointWriter.begin(vault.vault(), "b", vault.nextCreationTime(), 2);
            second.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(91, 2 * CHUNK)), "raw", null,
                    Progress.NONE);
            second.close();
            assertEquals(new PointWriter.Reclaimed(2, 2, null), second.reclaimed(),
                    "a killed writer of this boot names nothing");
        }
    }

    @Test
    void aVersion1MarkerReadsAndIsJudgedByItsHostName() throws IOException {
        String stored = "{\"format\":\"coffer-unfinished\",\"version\":1,\"operation\":\"write\",\"host\":\""
                + HostName.get() + "\",\"pid\":41234,\"createdAt\":\"2026-11-21T06:30:15.123Z\"}";
        UnfinishedMarker v1 = Json.MAPPER.readValue(stored, UnfinishedMarker.class);
        assertEquals(null, v1.boot());
        assertTrue(v1.ofThisBoot());
        assertFalse(new UnfinishedMarker(UnfinishedMarker.FORMAT, 2, "write", other.host(), 1, Instant.now(),
                other.boot()).ofThisBoot());
        assertEquals(OtherMachine.thisBoot(), UnfinishedMarker.of("write").boot());
    }
}

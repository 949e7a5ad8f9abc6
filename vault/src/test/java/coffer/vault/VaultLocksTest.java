package coffer.vault;

import coffer.testing.CrashingBackend;
import coffer.testing.MutableClock;
import coffer.testing.PrefixFaults;
import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.format.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaultLocksTest {
    /** Above Linux's largest pid_max (2^22): no process can have it. */
    static final long DEAD_PID = 999_999_999L;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final MemoryBackend backend = new MemoryBackend(clock);
    private final VaultLocks locks = new VaultLocks(backend);

    private static String thisHost() throws IOException {
        return InetAddress.getLocalHost().getHostName();
    }

    private static void putLock(Backend backend, String name, VaultLocks.Kind kind, String host, long pid) throws IOException {
        byte[] body = Json.MAPPER.writeValueAsBytes(new VaultLocks.Body(kind.name(), host, pid, "left behind", Instant.now()));
        backend.put(name, ByteBuffer.wrap(body));
    }

    private List<String> lockObjects() throws IOException {
        return backend.list("locks/").stream().map(ObjectInfo::name).sorted().toList();
    }

    @Test
    void sharedLocksAreHeldTogether() throws IOException {
        try (VaultLocks.Lock _ = locks.shared("backup of a", Duration.ZERO);
             VaultLocks.Lock _ = locks.shared("backup of b", Duration.ZERO)) {
            assertEquals(2, lockObjects().size());
        }
        assertEquals(List.of(), lockObjects(), "released locks leave no object");
    }

    @Test
    void theExclusiveLockWaitsForSharedHoldersAndNamesThem() throws IOException {
        try (VaultLocks.Lock _ = locks.shared("backup of web", Duration.ZERO)) {
            VaultBusyException e = assertThrows(VaultBusyException.class, () -> locks.exclusive("gc sweep", Duration.ZERO));
            assertTrue(e.getMessage().contains("backup of web"), e.getMessage());
            assertTrue(e.getMessage().contains("shared lock of pid " + ProcessHandle.current().pid()), e.getMessage());
            assertEquals(1, lockObjects().size(), "the failed contender removed its own lock object");
        }
    }

    @Test
    void sharedLocksWaitForTheExclusiveHolder() throws IOException {
        try (VaultLocks.Lock _ = locks.exclusive("gc sweep", Duration.ZERO)) {
            assertThrows(VaultBusyException.class, () -> locks.shared("backup", Duration.ZERO));
            assertThrows(VaultBusyException.class, () -> locks.exclusive("another gc", Duration.ZERO));
        }
        locks.shared("backup", Duration.ZERO).close();
    }

    @Test
    void aWaitingContenderWaitsWhileTheLockIsHeldAndGetsItWhenItIsReleased() throws Exception {
        VaultLocks.Lock held = locks.exclusive("gc sweep", Duration.ZERO);
        CrashingBackend watched = CrashingBackend.counting(backend); // every try: put own lock, list, delete own lock
        VaultLocks contender = new VaultLocks(watched);
        AtomicLong acquiredAt = new AtomicLong();
        CompletableFuture<VaultLocks.Lock> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                VaultLocks.Lock lock = contender.shared("backup", Duration.ofSeconds(60));
                acquiredAt.set(System.nanoTime());
                return lock;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Instant deadline = Instant.now().plusSeconds(30);
        while (watched.calls() < 9) { // three tries refused
            assertTrue(Instant.now().isBefore(deadline), "the contender did not retry within 30 s");
            Thread.onSpinWait();
        }
        assertFalse(waiting.isDone(), "the contender waits while the exclusive lock is held");
        // between its tries (it may be within one now: then its own lock object exists for a moment)
        while (!lockObjects().equals(List.of(held.name()))) {
            assertTrue(Instant.now().isBefore(deadline), "a refused contender keeps no lock object: " + lockObjects());
            Thread.onSpinWait();
        }
        assertFalse(waiting.isDone(), "the contender still waits");
        long releasedAt = System.nanoTime();
        held.close();
        try (VaultLocks.Lock got = waiting.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
            assertTrue(acquiredAt.get() >= releasedAt, "the contender got the lock only after its release");
            assertEquals(List.of(got.name()), lockObjects());
        }
    }

    @Test
    void aLockOfADeadProcessOnThisHostIsStaleAndRemoved() throws IOException {
        assertTrue(ProcessHandle.of(DEAD_PID).isEmpty());
        putLock(backend, "locks/exclusive-dead", VaultLocks.Kind.EXCLUSIVE, thisHost(), DEAD_PID);
        try (VaultLocks.Lock _ = locks.shared("backup", Duration.ZERO)) {
            assertTrue(lockObjects().stream().noneMatch(n -> n.equals("locks/exclusive-dead")));
        }
    }

    @Test
    void aLockOfAnotherHostIsLiveUntilNotRefreshedForFifteenMinutes() throws IOException {
        putLock(backend, "locks/exclusive-elsewhere", VaultLocks.Kind.EXCLUSIVE, "another-host", 1);
        assertThrows(VaultBusyException.class, () -> locks.shared("backup", Duration.ZERO));

        clock.set(Instant.now().minus(Duration.ofMinutes(16)));
        putLock(backend, "locks/exclusive-elsewhere", VaultLocks.Kind.EXCLUSIVE, "another-host", 1);
        clock.set(Instant.now());
        try (VaultLocks.Lock _ = locks.shared("backup", Duration.ZERO)) {
            assertEquals(1, lockObjects().size(), "the stale lock was removed");
        }
    }

    @Test
    void anUnreadableLockObjectCountsAsExclusive() throws IOException {
        backend.put("locks/garbage", ByteBuffer.wrap("not json".getBytes()));
        VaultBusyException e = assertThrows(VaultBusyException.class, () -> locks.shared("backup", Duration.ZERO));
        assertTrue(e.getMessage().contains("locks/garbage"), e.getMessage());
    }

    /** Fails the deletes of lock objects a test asks it to. */
    private final PrefixFaults flaky = new PrefixFaults(backend, "locks/");
    /** Another vault opened by this process (its own {@link LeftBehind}), on {@link #flaky}. */
    private final VaultLocks contender = new VaultLocks(flaky);

    /** The contender backs off from gc's exclusive lock, and all three tries to remove its own lock object fail. */
    private void contenderLeavesItsLockObjectBehind() throws IOException {
        try (VaultLocks.Lock _ = locks.exclusive("gc sweep", Duration.ZERO)) {
            flaky.failDeletes(3);
            assertThrows(BackendException.class, () -> contender.shared("backup", Duration.ZERO));
            assertEquals(2, lockObjects().size(), "the contender's lock object stayed");
        }
        assertEquals(1, lockObjects().size(), "the contender's shared lock object stayed");
    }

    /**
     * A contender backing off from a conflict whose lock object's removal fails three times leaves it behind; its next
     * lock operation removes it. Before, it stayed until stale (15 minutes), blocking every exclusive lock (gc, the
     * chunk removal of failed backups) though nothing held it.
     */
    @Test
    void aLockObjectWhoseRemovalFailedIsRemovedAtTheNextLockOperation() throws IOException {
        contenderLeavesItsLockObjectBehind();
        contender.shared("next backup", Duration.ZERO).close();
        assertEquals(List.of(), lockObjects(), "removed at the contender's next lock operation");
        locks.exclusive("gc sweep", Duration.ZERO).close();
    }

    /** One that is still there when the next acquire lists the locks is this process's own, abandoned: no conflict. */
    @Test
    void aLockObjectWhoseRemovalFailedDoesNotBlockThisProcesssOwnExclusiveLock() throws IOException {
        contenderLeavesItsLockObjectBehind();
        flaky.failDeletes(1); // the retry before the acquire fails once more: the listing meets it
        try (VaultLocks.Lock _ = contender.exclusive("gc sweep of the contender", Duration.ZERO)) {
            assertEquals(1, lockObjects().size(), "only the exclusive lock: " + lockObjects());
        }
        assertEquals(List.of(), lockObjects());
    }

    /**
     * A stale lock whose removal fails three times holds nothing: the acquire that found it goes on (before, it failed
     * with the delete's error), and it is remembered and removed at the next lock operation (here the release).
     */
    @Test
    void aStaleLockWhoseRemovalFailsDoesNotFailTheAcquireAndGoesAtTheNextOperation() throws IOException {
        putLock(backend, "locks/exclusive-dead", VaultLocks.Kind.EXCLUSIVE, thisHost(), DEAD_PID);
        flaky.failDeletes(3);
        try (VaultLocks.Lock held = contender.exclusive("gc sweep", Duration.ZERO)) {
            assertEquals(List.of("locks/exclusive-dead", held.name()).stream().sorted().toList(), lockObjects());
        }
        assertEquals(List.of(), lockObjects(), "removed at the release");
    }

    /**
     * A lock's stored body is the documented one (docs/format/lock.md, version 2): kind, host, pid, purpose, creation
     * time, boot id, version and (session 23) machine id; in a vault without encryption no sealed purpose.
     */
    @Test
    void aLockObjectsBodyHasTheDocumentedFieldsOnly() throws IOException {
        try (VaultLocks.Lock lock = locks.shared("backup of web", Duration.ZERO)) {
            com.fasterxml.jackson.databind.JsonNode body = Json.MAPPER.readTree(backend.get(lock.name()).array());
            List<String> fields = new java.util.ArrayList<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("kind", "host", "pid", "purpose", "createdAt", "boot", "version", "machine"), fields);
            assertEquals("SHARED", body.path("kind").asText());
            assertEquals(ProcessHandle.current().pid(), body.path("pid").asLong());
            assertEquals("backup of web", body.path("purpose").asText());
        }
    }

    @Test
    void aFailedListingWhileAcquiringLeavesNoLockBehind() throws IOException {
        CrashingBackend failing = CrashingBackend.failOnce(backend, 2); // 1: put own lock, 2: list
        VaultLocks flaky = new VaultLocks(failing);
        assertThrows(IOException.class, () -> flaky.shared("backup", Duration.ZERO));
        assertTrue(failing.failure().contains("list"), failing.failure());
        assertEquals(List.of(), lockObjects(), "a lock object of a live process would block gc for 15 minutes");
    }

    @Test
    void aLockPutThatLandedButFailedIsRemoved() throws IOException {
        CrashingBackend failing = CrashingBackend.crashAt(backend, 1, true); // the put lands, then every call fails
        assertThrows(IOException.class, () -> new VaultLocks(failing).shared("backup", Duration.ZERO));
        assertEquals(1, lockObjects().size(), "a crashed process cannot clean up; its lock goes stale");

        backend.delete(lockObjects().getFirst());
        assertThrows(IOException.class, () -> new VaultLocks(new LandedPut(backend)).shared("backup", Duration.ZERO));
        assertEquals(List.of(), lockObjects(), "a live process removes the lock whose put failed after landing");
    }

    /** Puts land and then report a failure (a timeout after success); everything else passes. */
    private static final class LandedPut extends coffer.testing.ForwardingBackend {
        LandedPut(Backend delegate) {
            super(delegate);
        }

        @Override
        public void put(String name, ByteBuffer data) throws IOException {
            delegate.put(name, data);
            throw new BackendException("timed out after the put landed", true, null);
        }
    }
}

package coffer.vault;

import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A served point is kept from deletion by its lease, whoever deletes, until the lease is released or goes stale. */
class PointLeasesTest {
    private final byte[] disk = TestData.random(7, 3 * TestVault.CHUNK + 5);

    @TempDir
    Path dir;

    @Test
    void aLeasedPointIsRefusedDeletionNamingTheLeaseAndDeletableOnceReleased() throws IOException {
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            PointManifest other = vault.backup("vm", disk);
            PointLeases.Lease lease = vault.vault().leases().take(point.id(), "mount of vda into web-2");
            PointInUseException e = assertThrows(PointInUseException.class, () -> vault.vault().deletePoint(point.id()));
            assertTrue(e.getMessage().contains("mount of vda into web-2") && e.getMessage().contains(point.id())
                    && e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertArrayEquals(disk, vault.restore(vault.vault().point(point.id()), "vda"), "nothing was removed");
            vault.vault().deletePoint(other.id()); // a lease holds its own point only
            lease.close();
            assertEquals(List.of(), vault.vault().leases().live(point.id()));
            vault.vault().deletePoint(point.id());
            assertThrows(PointNotFoundException.class, () -> vault.vault().point(point.id()));
        }
    }

    /**
     * A lease whose put reached storage but reported a failure, and a release whose first delete fails, leave no
     * lease behind: before, either refused the point's deletion for 15 minutes (a live process's lease) though
     * nothing served it.
     */
    @Test
    void aLeaseWhosePutOrReleaseFailsLeavesNoLeaseBehind() throws IOException {
        java.util.concurrent.atomic.AtomicInteger putFailures = new java.util.concurrent.atomic.AtomicInteger(1);
        java.util.concurrent.atomic.AtomicInteger deleteFailures = new java.util.concurrent.atomic.AtomicInteger();
        coffer.vault.backend.MemoryBackend store = new coffer.vault.backend.MemoryBackend();
        coffer.vault.backend.Backend flaky = new coffer.testing.ForwardingBackend(store) {
            @Override
            public void put(String name, ByteBuffer data) throws IOException {
                super.put(name, data);
                if (name.startsWith(PointLeases.PREFIX) && putFailures.getAndDecrement() > 0) {
                    throw new coffer.vault.backend.BackendException("injected failure after the put of " + name, true, null);
                }
            }

            @Override
            public void delete(String name) throws IOException {
                if (name.startsWith(PointLeases.PREFIX) && deleteFailures.getAndDecrement() > 0) {
                    throw new coffer.vault.backend.BackendException("injected failure of the delete of " + name, true, null);
                }
                super.delete(name);
            }
        };
        try (TestVault vault = TestVault.create(flaky, null)) {
            PointManifest point = vault.backup("vm", disk);
            PointManifest other = vault.backup("vm", disk);
            assertThrows(coffer.vault.backend.BackendException.class, () -> vault.vault().leases().take(point.id(), "mount"));
            assertEquals(List.of(), vault.vault().leases().live(point.id()), "the lease whose put failed is removed");
            vault.vault().deletePoint(point.id());

            PointLeases.Lease lease = vault.vault().leases().take(other.id(), "mount");
            deleteFailures.set(1);
            lease.close();
            assertEquals(List.of(), vault.vault().leases().live(other.id()), "released despite a failed delete");
            vault.vault().deletePoint(other.id());
        }
    }

    /**
     * A lease whose release failed three times is this process's own, abandoned (docs/reliability.md, "Session 17"):
     * it refuses no deletion of its point by this process (before, it did until it went stale, 15 minutes) and is
     * removed on the way.
     */
    @Test
    void aLeaseWhoseReleaseFailedThreeTimesDoesNotRefuseItsPointsDeletion() throws IOException {
        java.util.concurrent.atomic.AtomicInteger deleteFailures = new java.util.concurrent.atomic.AtomicInteger();
        coffer.vault.backend.MemoryBackend store = new coffer.vault.backend.MemoryBackend();
        coffer.vault.backend.Backend flaky = new coffer.testing.ForwardingBackend(store) {
            @Override
            public void delete(String name) throws IOException {
                if (name.startsWith(PointLeases.PREFIX) && deleteFailures.getAndDecrement() > 0) {
                    throw new coffer.vault.backend.BackendException("injected failure of the delete of " + name, true, null);
                }
                super.delete(name);
            }
        };
        try (TestVault vault = TestVault.create(flaky, null)) {
            PointManifest point = vault.backup("vm", disk);
            PointLeases.Lease lease = vault.vault().leases().take(point.id(), "mount");
            deleteFailures.set(3);
            assertThrows(coffer.vault.backend.BackendException.class, lease::close);
            assertEquals(1, store.list(PointLeases.PREFIX).size(), "all three tries of the release failed");
            deleteFailures.set(1); // the retry before the judgement fails once more: the listing meets the lease
            vault.vault().deletePoint(point.id());
            assertThrows(PointNotFoundException.class, () -> vault.vault().point(point.id()));
            assertEquals(List.of(), store.list(PointLeases.PREFIX), "removed on the way");
        }
    }

    @Test
    void aLeaseOfADeadProcessOrNotRefreshedIsStaleAndRemoved() throws IOException {
        coffer.testing.MutableClock clock = new coffer.testing.MutableClock(Instant.now());
        try (TestVault vault = TestVault.create(new coffer.vault.backend.MemoryBackend(clock), null)) {
            PointManifest point = vault.backup("vm", disk);
            String host = InetAddress.getLocalHost().getHostName();
            byte[] dead = Json.MAPPER.writeValueAsBytes(new VaultLocks.Body("SERVE", host, VaultLocksTest.DEAD_PID,
                    "mount of a killed server", Instant.now()));
            vault.backend().put(PointLeases.PREFIX + point.id() + "/left-behind", ByteBuffer.wrap(dead));
            byte[] otherHost = Json.MAPPER.writeValueAsBytes(new VaultLocks.Body("SERVE", "another-host", 42,
                    "mount on another host", Instant.now()));
            vault.backend().put(PointLeases.PREFIX + point.id() + "/elsewhere", ByteBuffer.wrap(otherHost));
            assertEquals(1, vault.vault().leases().live(point.id()).size(), "the dead process's lease is stale");
            assertThrows(PointInUseException.class, () -> vault.vault().deletePoint(point.id()));
            // its last refresh is now longer ago than the staleness window
            clock.set(Instant.now().minus(VaultLocks.STALE.plus(Duration.ofMinutes(1))));
            vault.backend().put(PointLeases.PREFIX + point.id() + "/elsewhere", ByteBuffer.wrap(otherHost));
            clock.set(Instant.now());
            vault.vault().deletePoint(point.id());
            assertEquals(List.of(), vault.backend().list(PointLeases.PREFIX));
        }
    }
}

package coffer.vault;

import coffer.testing.PrefixFaults;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.MemoryBackend;
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

    /** The release-failure cases' store, and the backend over it whose lease puts and deletes fail as a test asks. */
    private final MemoryBackend store = new MemoryBackend();
    private final PrefixFaults flaky = new PrefixFaults(store, PointLeases.PREFIX);

    /**
     * A lease whose put reached storage but reported a failure, and a release whose first delete fails, leave no
     * lease behind: before, either refused the point's deletion for 15 minutes (a live process's lease) though
     * nothing served it.
     */
    @Test
    void aLeaseWhosePutOrReleaseFailsLeavesNoLeaseBehind() throws IOException {
        try (TestVault vault = TestVault.create(flaky, null)) {
            PointManifest point = vault.backup("vm", disk);
            PointManifest other = vault.backup("vm", disk);
            flaky.failPutsAfterLanding(1);
            assertThrows(BackendException.class, () -> vault.vault().leases().take(point.id(), "mount"));
            assertEquals(List.of(), vault.vault().leases().live(point.id()), "the lease whose put failed is removed");
            vault.vault().deletePoint(point.id());

            PointLeases.Lease lease = vault.vault().leases().take(other.id(), "mount");
            flaky.failDeletes(1);
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
        try (TestVault vault = TestVault.create(flaky, null)) {
            PointManifest point = vault.backup("vm", disk);
            PointLeases.Lease lease = vault.vault().leases().take(point.id(), "mount");
            flaky.failDeletes(3);
            assertThrows(BackendException.class, lease::close);
            assertEquals(1, store.list(PointLeases.PREFIX).size(), "all three tries of the release failed");
            flaky.failDeletes(1); // the retry before the judgement fails once more: the listing meets the lease
            vault.vault().deletePoint(point.id());
            assertThrows(PointNotFoundException.class, () -> vault.vault().point(point.id()));
            assertEquals(List.of(), store.list(PointLeases.PREFIX), "removed on the way");
        }
    }

    @Test
    void aLeaseOfADeadProcessOrNotRefreshedIsStaleAndRemoved() throws IOException {
        coffer.testing.MutableClock clock = new coffer.testing.MutableClock(Instant.now());
        try (TestVault vault = TestVault.create(new MemoryBackend(clock), null)) {
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

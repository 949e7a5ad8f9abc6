package coffer.vault;

import coffer.testing.ForwardingBackend;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.Backend;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.crypto.KeyService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hold or a lease that lands while the point is being deleted: whichever order the steps interleave in, a hold or
 * lease that succeeded keeps the point, and one that cannot promise it fails (docs/reliability.md). The interleavings
 * are forced by a backend that runs another vault's step right after one of the delete's own calls: after the
 * delete's first judgement (its read of the point's leases), and after it published its marker.
 */
class HoldOrLeaseAgainstDeleteTest {
    @TempDir
    Path dir;

    @Test
    void aHoldLandingAfterTheDeleteJudgedThePointRefusesTheDelete() throws IOException {
        try (Race race = new Race(dir)) {
            AtomicReference<Instant> held = new AtomicReference<>();
            race.after(Step.FIRST_JUDGEMENT, () -> held.set(race.other.holdUntil(race.point.id(), inADay())));
            assertThrows(PointImmutableException.class, () -> race.deleting.deletePoint(race.point.id()));
            assertNotNull(held.get(), "the hold succeeded");
            race.assertPointWhole();
            assertEquals(List.of(), race.markers(), "the refused delete took its marker back");
        }
    }

    @Test
    void aHoldLandingAfterTheDeleteMarkerFailsAndTheDeleteIsRefusedOrGoesOn() throws IOException {
        try (Race race = new Race(dir)) {
            AtomicReference<IOException> holdFailure = new AtomicReference<>();
            race.after(Step.MARKER_PUBLISHED, () -> holdFailure.set(assertThrows(VaultBusyException.class,
                    () -> race.other.holdUntil(race.point.id(), inADay()))));
            // the hold landed before the delete judged again: the delete sees it and is refused
            assertThrows(PointImmutableException.class, () -> race.deleting.deletePoint(race.point.id()));
            assertTrue(holdFailure.get().getMessage().contains("is being deleted"), holdFailure.get().getMessage());
            race.assertPointWhole();
        }
    }

    @Test
    void aLeaseTakenAfterTheDeleteJudgedThePointRefusesTheDelete() throws IOException {
        try (Race race = new Race(dir)) {
            AtomicReference<PointLeases.Lease> lease = new AtomicReference<>();
            race.after(Step.FIRST_JUDGEMENT, () -> lease.set(race.other.leases().take(race.point.id(), "mount of vda")));
            PointInUseException e = assertThrows(PointInUseException.class, () -> race.deleting.deletePoint(race.point.id()));
            assertTrue(e.getMessage().contains("mount of vda"), e.getMessage());
            race.assertPointWhole();
            lease.get().close();
            race.deleting.deletePoint(race.point.id()); // once released, the point goes
            assertThrows(PointNotFoundException.class, () -> race.deleting.point(race.point.id()));
        }
    }

    @Test
    void aLeaseTakenAfterTheDeleteMarkerFailsAndLeavesNoLease() throws IOException {
        try (Race race = new Race(dir)) {
            AtomicReference<VaultBusyException> refused = new AtomicReference<>();
            race.after(Step.MARKER_PUBLISHED, () -> refused.set(assertThrows(VaultBusyException.class,
                    () -> race.other.leases().take(race.point.id(), "mount of vda"))));
            race.deleting.deletePoint(race.point.id()); // the lease was given back: nothing serves the point
            assertTrue(refused.get().getMessage().contains("is being deleted"), refused.get().getMessage());
            assertThrows(PointNotFoundException.class, () -> race.deleting.point(race.point.id()));
            assertEquals(List.of(), race.vault.objects("leases/"));
        }
    }

    @Test
    void aWritersMarkerLeftBesideAManifestDoesNotFailAHoldOrALease() throws IOException {
        try (Race race = new Race(dir)) {
            UnfinishedMarker.of("write").put(race.other, race.point.id()); // a commit whose marker removal failed
            Instant until = inADay();
            assertEquals(until, race.other.holdUntil(race.point.id(), until));
            race.other.leases().take(race.point.id(), "mount of vda").close();
        }
    }

    private static Instant inADay() {
        return Instant.now().plus(Duration.ofDays(1));
    }

    private enum Step { FIRST_JUDGEMENT, MARKER_PUBLISHED }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    /**
     * One point in an encrypted vault, opened twice: {@code deleting} over a backend that runs the armed action once
     * after the step, {@code other} directly (another process).
     */
    private static final class Race implements AutoCloseable {
        final TestVault vault;
        final PointManifest point;
        final Vault deleting;
        final Vault other;
        private volatile Step step;
        private volatile Action action;

        Race(Path dir) throws IOException {
            KeyService keys = VaultFlavour.MEMORY_ENCRYPTED.keys(dir);
            MemoryBackend store = new MemoryBackend();
            vault = TestVault.create(store, keys);
            point = vault.backup("vm", TestData.random(31, 3 * TestVault.CHUNK));
            Backend hooked = new ForwardingBackend(store) {
                @Override
                public List<coffer.vault.backend.ObjectInfo> list(String prefix) throws IOException {
                    List<coffer.vault.backend.ObjectInfo> result = delegate.list(prefix);
                    if (prefix.startsWith(PointLeases.PREFIX)) {
                        fire(Step.FIRST_JUDGEMENT);
                    }
                    return result;
                }

                @Override
                public void put(String name, ByteBuffer data) throws IOException {
                    delegate.put(name, data);
                    if (name.endsWith("/" + UnfinishedMarker.NAME)) {
                        fire(Step.MARKER_PUBLISHED);
                    }
                }
            };
            deleting = Vault.open(hooked, keys);
            other = Vault.open(store, keys);
        }

        void after(Step when, Action what) {
            step = when;
            action = what;
        }

        private void fire(Step now) throws IOException {
            if (now == step && action != null) {
                Action once = action;
                action = null;
                once.run();
            }
        }

        void assertPointWhole() throws IOException {
            assertArrayEquals(TestData.random(31, 3 * TestVault.CHUNK), vault.restore(other.point(point.id()), "vda"));
        }

        List<String> markers() throws IOException {
            return vault.objects(Vault.POINTS).stream().filter(name -> name.endsWith("/" + UnfinishedMarker.NAME)).toList();
        }

        @Override
        public void close() throws IOException {
            deleting.close();
            other.close();
            vault.close();
        }
    }
}

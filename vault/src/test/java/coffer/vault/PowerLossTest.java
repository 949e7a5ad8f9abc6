package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.PowerLossBackend;
import coffer.testing.TestSeed;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.crypto.KeyService;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability: a power loss at any backend call of a backup (or a delete) loses only what was not made durable,
 * and the write barriers ({@link PointWriter}'s three, the delete's two) make sure that is never something a
 * published point needs. After the loss the vault as it is on "disk" lists only whole points: each restores
 * bit-exact, verify is clean, no point is lost. Losses drop every unsynced change, or a seeded random subset of
 * them (the harder case: a manifest may survive while an unsynced chunk does not). Removing a barrier makes
 * these tests fail (checked by hand: see docs/reliability.md).
 */
class PowerLossTest {
    private static final byte[] DISK_A = new DiskImage(4 * CHUNK + 99, 91).random(0, 4 * CHUNK + 99).bytes();
    private static final byte[] DISK_B = DiskImage.from(DISK_A, 92).random(CHUNK + 7, 5000).random(3L * CHUNK, CHUNK).bytes();
    private static final byte[] DISK_C = new DiskImage(2 * CHUNK, 93).text(0, 2 * CHUNK).bytes();
    /** Random subsets drawn per loss moment. */
    private static final int DRAWS = 6;

    @TempDir
    Path dir;

    private record Baseline(KeyService keys, PointManifest a) {
    }

    private static Baseline baseline(Backend storage, KeyService keys) throws IOException {
        try (TestVault vault = TestVault.create(storage, keys)) {
            return new Baseline(keys, vault.backup("vm", DISK_A));
        }
    }

    /** Point B of vm (incremental over A, with a second disk): the backup under test. */
    private static void backupB(Backend backend, Baseline baseline) throws IOException {
        Vault vault = Vault.open(backend, baseline.keys());
        DiskBase base = DiskBase.dedupAgainst(baseline.a().id(), vault.readIndex(baseline.a(), baseline.a().disk("vda")));
        try (PointWriter writer = PointWriter.begin(vault, "vm", baseline.a().createdAt().plus(Duration.ofDays(1)), 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(DISK_B), "raw", base, Progress.NONE);
            writer.writeDisk("vdb", ByteArrayBlockSource.of(DISK_C), "raw", null, Progress.NONE);
            writer.commit("CRASH", baseline.a().id(), null, null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void aPowerLossAtAnyCallOfABackupLeavesOnlyWholePoints(VaultFlavour flavour) throws IOException {
        long seed = TestSeed.of("PowerLossTest backup " + flavour);
        MemoryBackend original = new MemoryBackend();
        Baseline baseline = baseline(original, flavour.keys(dir));
        PowerLossBackend counting = PowerLossBackend.counting(CrashRecoveryTest.copyOf(original));
        backupB(counting, baseline);
        long calls = counting.calls();
        Random draws = new Random(seed);
        for (long n = 1; n <= calls + 1; n++) {
            for (int draw = 0; draw <= DRAWS; draw++) {
                MemoryBackend disk = CrashRecoveryTest.copyOf(original);
                PowerLossBackend.Mode mode = draw == 0 ? PowerLossBackend.Mode.DROP_ALL : PowerLossBackend.Mode.RANDOM;
                PowerLossBackend power = PowerLossBackend.lossAt(disk, n, mode, draws.nextLong());
                try {
                    backupB(power, baseline);
                } catch (IOException lostPower) {
                    // the machine went down
                }
                assertOnlyWholePoints(disk, baseline, power + ", seed " + seed + " draw " + draw + ": " + power.report());
            }
        }
    }

    @Test
    void aPowerLossDuringABackupOnALocalDirectoryLeavesOnlyWholePoints() throws IOException {
        long seed = TestSeed.of("PowerLossTest local directory");
        Path original = dir.resolve("original");
        Baseline baseline = baseline(new LocalDirectoryBackend(original), VaultFlavour.LOCAL_ENCRYPTED.keys(dir));
        Path count = dir.resolve("count");
        CrashRecoveryTest.copyTree(original, count);
        PowerLossBackend counting = PowerLossBackend.counting(new LocalDirectoryBackend(count));
        backupB(counting, baseline);
        Random random = new Random(seed);
        for (int round = 0; round < 8; round++) {
            Path copy = dir.resolve("round-" + round);
            CrashRecoveryTest.copyTree(original, copy);
            long n = 1 + random.nextInt((int) counting.calls());
            PowerLossBackend power = PowerLossBackend.lossAt(new LocalDirectoryBackend(copy), n, PowerLossBackend.Mode.RANDOM,
                    random.nextLong());
            try {
                backupB(power, baseline);
            } catch (IOException lostPower) {
                // the machine went down
            }
            assertOnlyWholePoints(new LocalDirectoryBackend(copy), baseline, power + ", seed " + seed + ": " + power.report());
        }
    }

    @Test
    void aPowerLossAtAnyCallOfADeleteLeavesNoLostPoint() throws IOException {
        long seed = TestSeed.of("PowerLossTest delete");
        MemoryBackend original = new MemoryBackend();
        Baseline baseline = baseline(original, null);
        backupB(original, baseline);
        String b = Vault.open(original, null).points().getLast().id();
        Random draws = new Random(seed);
        PowerLossBackend counting = PowerLossBackend.counting(CrashRecoveryTest.copyOf(original));
        Vault.open(counting, null).deletePoint(b);
        long calls = counting.calls();
        for (long n = 1; n <= calls + 1; n++) { // calls + 1: the power fails right after the delete returned
            for (int draw = 0; draw <= DRAWS; draw++) {
                MemoryBackend disk = CrashRecoveryTest.copyOf(original);
                PowerLossBackend power = PowerLossBackend.lossAt(disk, n, draw == 0 ? PowerLossBackend.Mode.DROP_ALL
                        : PowerLossBackend.Mode.RANDOM, draws.nextLong());
                try {
                    Vault.open(power, null).deletePoint(b);
                    power.exists(Vault.CONFIG); // the machine's next call: the loss comes here when n is past the delete
                } catch (IOException lostPower) {
                    // the machine went down
                }
                assertOnlyWholePoints(disk, baseline, power + " during the delete of " + b + ", seed " + seed + " draw "
                        + draw + ": " + power.report());
            }
        }
    }

    /**
     * A backup that fails at its manifest (the store refuses it) removes its indexes and its marker; a power loss at
     * any call of that, or right after the backup returned, must not keep the marker's removal and lose an index's
     * (that index would be a "lost" point).
     */
    @Test
    void aPowerLossDuringOrAfterTheCleanupOfAFailedBackupLeavesNoLostPoint() throws IOException {
        long seed = TestSeed.of("PowerLossTest failed backup");
        MemoryBackend original = new MemoryBackend();
        Baseline baseline = baseline(original, null);
        java.util.function.BiPredicate<String, String> manifestPut = (method, name) -> method.equals("put")
                && name.endsWith("/manifest");
        PowerLossBackend counting = PowerLossBackend.counting(
                coffer.testing.CrashingBackend.failWhen(CrashRecoveryTest.copyOf(original), manifestPut));
        assertThrows(IOException.class, () -> backupB(counting, baseline));
        long calls = counting.calls();
        Random draws = new Random(seed);
        for (long n = 1; n <= calls + 1; n++) {
            for (int draw = 0; draw <= DRAWS; draw++) {
                MemoryBackend disk = CrashRecoveryTest.copyOf(original);
                PowerLossBackend power = PowerLossBackend.lossAt(coffer.testing.CrashingBackend.failWhen(disk, manifestPut),
                        n, draw == 0 ? PowerLossBackend.Mode.DROP_ALL : PowerLossBackend.Mode.RANDOM, draws.nextLong());
                try {
                    backupB(power, baseline);
                } catch (IOException failedOrLostPower) {
                    // the store refused the manifest, or the machine went down
                }
                try {
                    power.exists(Vault.CONFIG); // the machine's next call: the loss comes here when n is past the backup
                } catch (IOException lostPower) {
                    // the machine went down
                }
                assertOnlyWholePoints(disk, baseline, power + " during the failed backup, seed " + seed + " draw " + draw
                        + ": " + power.report());
            }
        }
    }

    /**
     * gc removes the objects of an unfinished point (a backup killed after its indexes), its marker last; a power loss
     * at any call of gc, or right after it, must not keep the marker's removal and lose an index's.
     */
    @Test
    void aPowerLossAtAnyCallOfAGcLeavesNoLostPoint() throws IOException {
        long seed = TestSeed.of("PowerLossTest gc");
        MemoryBackend original = new MemoryBackend();
        Baseline baseline = baseline(original, null);
        // the backup is killed when it writes its manifest: its chunks, indexes and marker stay
        assertThrows(IOException.class, () -> backupB(coffer.testing.CrashingBackend.failWhen(original, (method, name) ->
                method.equals("put") && name.endsWith("/manifest") || method.equals("delete") && name.startsWith("points/")),
                baseline));
        assertEquals(1, Vault.open(original, null).listPoints().unfinished().size(), "the killed backup's point");
        PowerLossBackend counting = PowerLossBackend.counting(CrashRecoveryTest.copyOf(original));
        new GarbageCollector(Vault.open(counting, null)).collect(Duration.ZERO, Duration.ZERO);
        long calls = counting.calls();
        Random draws = new Random(seed);
        for (long n = 1; n <= calls + 1; n++) {
            for (int draw = 0; draw <= DRAWS; draw++) {
                MemoryBackend disk = CrashRecoveryTest.copyOf(original);
                PowerLossBackend power = PowerLossBackend.lossAt(disk, n, draw == 0 ? PowerLossBackend.Mode.DROP_ALL
                        : PowerLossBackend.Mode.RANDOM, draws.nextLong());
                try {
                    new GarbageCollector(Vault.open(power, null)).collect(Duration.ZERO, Duration.ZERO);
                    power.exists(Vault.CONFIG); // the machine's next call: the loss comes here when n is past the gc
                } catch (IOException lostPower) {
                    // the machine went down
                }
                for (ObjectInfo lock : disk.list("locks/")) {
                    disk.delete(lock.name()); // the dead gc's lock: stale after the reboot
                }
                assertOnlyWholePoints(disk, baseline, power + " during gc, seed " + seed + " draw " + draw + ": "
                        + power.report());
            }
        }
    }

    /** The vault after the reboot: whole points only, each restoring its own data, nothing lost or damaged. */
    private static void assertOnlyWholePoints(Backend disk, Baseline baseline, String what) throws IOException {
        try (TestVault vault = TestVault.open(disk, baseline.keys())) {
            PointListing listing = vault.vault().listPoints();
            assertEquals(List.of(), listing.lost(), what + ": a point whose manifest was lost");
            assertEquals(List.of(), listing.unreadable(), what);
            List<PointManifest> points = listing.points();
            assertEquals(baseline.a().id(), points.getFirst().id(), what);
            assertTrue(points.size() <= 2, what);
            assertArrayEquals(DISK_A, vault.restore(points.getFirst(), "vda"), what);
            if (points.size() == 2) {
                assertArrayEquals(DISK_B, vault.restore(points.get(1), "vda"), what + ": a listed point is whole");
                assertArrayEquals(DISK_C, vault.restore(points.get(1), "vdb"), what + ": a listed point is whole");
            }
            VerifyReport report = new Verifier(vault.vault(), 1).verify(listing, Progress.NONE);
            assertTrue(report.clean(), what + ": " + report);
        }
    }
}

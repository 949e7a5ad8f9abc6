package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.CrashingBackend;
import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.crypto.KeyService;
import coffer.vault.format.Json;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.maintenance.Verifier;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A backup that fails at any backend call, by a crash (that call and every later one fail) or a transient
 * fault (only that call fails), leaves a vault that opens, lists no partial point, restores every earlier
 * point bit-exact, and is cleaned by gc. Backups run on one thread so call numbers are reproducible.
 */
class CrashRecoveryTest {
    private static final byte[] DISK_A = new DiskImage(3 * CHUNK + 777, 71).text(0, CHUNK).random(CHUNK, 2 * CHUNK + 777)
            .bytes();
    private static final byte[] DISK_B = DiskImage.from(DISK_A, 72).random(CHUNK + 5, 4000).text(2L * CHUNK, CHUNK).bytes();

    @TempDir
    Path dir;

    /** The vault before the backup under test: one point of disk A. */
    private record Baseline(KeyService keys, PointManifest pointA) {
    }

    private Baseline baseline(Backend storage, KeyService keys) throws IOException {
        try (TestVault vault = TestVault.create(storage, keys)) {
            PointManifest a = vault.backup("vm", DISK_A);
            return new Baseline(keys, a);
        }
    }

    /** The backup under test: disk B, incremental against point A. */
    private static void backupB(Backend backend, Baseline baseline) throws IOException {
        Vault vault = Vault.open(backend, baseline.keys());
        DiskBase base = DiskBase.dedupAgainst(baseline.pointA().id(), vault.readIndex(baseline.pointA(), baseline.pointA().disk("vda")));
        Instant after = baseline.pointA().createdAt().plus(Duration.ofDays(1));
        try (PointWriter writer = PointWriter.begin(vault, "vm", after, 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(DISK_B), "raw", base, Progress.NONE);
            writer.commit("CRASH", baseline.pointA().id(), null, null);
        }
    }

    /**
     * A failing call fails the backup, except the removal of the unfinished marker or the release of the lock
     * after the manifest is published: then the point exists and the backup reports success (gc removes the
     * marker; others clean up the stale lock).
     */
    private static void failsUnlessCommitted(CrashingBackend backend, Baseline baseline, Backend storage) throws IOException {
        try {
            backupB(backend, baseline);
        } catch (IOException expected) {
            return;
        }
        assertTrue(backend.failure() != null && (backend.failure().contains("delete 'locks/")
                        || backend.failure().contains("/unfinished'")),
                backend + ": the backup succeeded although call " + backend.failure() + " failed");
        assertEquals(2, names(storage, "points/").stream().filter(n -> n.endsWith("/manifest")).count(),
                backend + ": a backup reported as successful has its point");
    }

    private static long callsOfBackupB(Backend storage, Baseline baseline) throws IOException {
        CrashingBackend counting = CrashingBackend.counting(storage);
        backupB(counting, baseline);
        return counting.calls();
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void aBackupCrashingAtAnyBackendCallLeavesTheVaultReadable(VaultFlavour flavour) throws IOException {
        MemoryBackend original = new MemoryBackend();
        Baseline baseline = baseline(original, flavour.keys(dir));
        long calls = callsOfBackupB(copyOf(original), baseline);
        assertTrue(calls > 10, "calls: " + calls);
        for (long n = 1; n <= calls; n++) {
            for (boolean applied : new boolean[]{false, true}) {
                MemoryBackend storage = copyOf(original);
                CrashingBackend crashing = CrashingBackend.crashAt(storage, n, applied);
                failsUnlessCommitted(crashing, baseline, storage);
                assertRecovers(storage, baseline, crashing);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void aBackupMeetingATransientFailureAtAnyCallCleansUpAfterItself(VaultFlavour flavour) throws IOException {
        MemoryBackend original = new MemoryBackend();
        Baseline baseline = baseline(original, flavour.keys(dir));
        long calls = callsOfBackupB(copyOf(original), baseline);
        for (long n = 1; n <= calls; n++) {
            MemoryBackend storage = copyOf(original);
            CrashingBackend failing = CrashingBackend.failOnce(storage, n);
            failsUnlessCommitted(failing, baseline, storage);
            List<String> locks = names(storage, "locks/");
            if (!locks.isEmpty()) {
                assertEquals(1, locks.size(), failing + ": " + locks);
                assertTrue(failing.failure().contains("delete 'locks/"),
                        failing + ": only a failed release may leave a lock, left " + locks);
            }
            List<String> unfinished = unfinishedPointObjects(storage);
            if (!unfinished.isEmpty()) {
                assertTrue(failing.failure().contains("delete '" + unfinished.getFirst() + "'")
                                && unfinished.getFirst().endsWith("/unfinished") && unfinished.size() == 1,
                        failing + ": a failed writer removes its indexes and marker, unless that removal failed: " + unfinished);
            }
            assertRecovers(storage, baseline, failing);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL", "LOCAL_ENCRYPTED"})
    void aBackupCrashingAtAnyBackendCallOfALocalDirectoryLeavesTheVaultReadable(VaultFlavour flavour) throws IOException {
        Path originalDir = dir.resolve("original");
        Baseline baseline = baseline(new LocalDirectoryBackend(originalDir), flavour.keys(dir));
        Path countDir = dir.resolve("count");
        copyTree(originalDir, countDir);
        long calls = callsOfBackupB(new LocalDirectoryBackend(countDir), baseline);
        assertTrue(calls > 10, "calls: " + calls);
        for (long n = 1; n <= calls; n++) {
            for (boolean applied : new boolean[]{false, true}) {
                Path copy = dir.resolve("crash-" + n + "-" + applied);
                copyTree(originalDir, copy);
                LocalDirectoryBackend storage = new LocalDirectoryBackend(copy);
                CrashingBackend crashing = CrashingBackend.crashAt(storage, n, applied);
                failsUnlessCommitted(crashing, baseline, storage);
                assertRecovers(storage, baseline, crashing);
            }
        }
    }

    /**
     * After the failure: as a restarted process, the vault opens; every listed point is complete (point A,
     * and point B only if its manifest was published); gc removes everything else.
     */
    private void assertRecovers(Backend storage, Baseline baseline, CrashingBackend failure) throws IOException {
        String what = failure + " (" + failure.failure() + ")";
        markLocksAsLeftByADeadProcess(storage);
        try (TestVault vault = TestVault.open(storage, baseline.keys())) {
            List<PointManifest> points = vault.vault().points();
            assertEquals(baseline.pointA().id(), points.getFirst().id(), what);
            assertTrue(points.size() <= 2, what + ": " + points);
            assertArrayEquals(DISK_A, vault.restore(points.getFirst(), "vda"), what);
            if (points.size() == 2) {
                assertArrayEquals(DISK_B, vault.restore(points.get(1), "vda"), what + ": a listed point is complete");
            }

            new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ZERO);
            assertEquals(List.of(), unfinishedPointObjects(storage), what);
            assertEquals(0, new StatsCollector(vault.vault()).collect().unreferencedChunks(), what);
            assertEquals(List.of(), names(storage, "locks/"), what);
            assertTrue(new Verifier(vault.vault(), 1).verify(points, Progress.NONE).clean(), what);
            assertArrayEquals(DISK_A, vault.restore(points.getFirst(), "vda"), what + ": after gc");
            PointManifest after = vault.backup("vm", DISK_B);
            assertArrayEquals(DISK_B, vault.restore(after, "vda"), what + ": a new backup works");
        }
    }

    /** Objects under {@code points/} of points that have no manifest. */
    private static List<String> unfinishedPointObjects(Backend storage) throws IOException {
        Set<String> published = new HashSet<>();
        for (String name : names(storage, Vault.POINTS)) {
            if (name.endsWith("/manifest")) {
                published.add(name.substring(0, name.length() - "manifest".length()));
            }
        }
        List<String> unfinished = new ArrayList<>();
        for (String name : names(storage, Vault.POINTS)) {
            if (!published.contains(name.substring(0, name.lastIndexOf('/') + 1))) {
                unfinished.add(name);
            }
        }
        return unfinished;
    }

    /**
     * A crashed process's lock stays behind; VaultLocks treats it as stale once that process is gone. This
     * JVM lives on, so its leftover locks are rewritten as a dead process's (see VaultLocksTest).
     */
    private static void markLocksAsLeftByADeadProcess(Backend storage) throws IOException {
        for (String name : names(storage, "locks/")) {
            ObjectNode body = (ObjectNode) Json.MAPPER.readTree(DamageTest.bytes(storage, name));
            body.put("pid", VaultLocksTest.DEAD_PID);
            storage.put(name, ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)));
        }
    }

    static List<String> names(Backend backend, String prefix) throws IOException {
        return backend.list(prefix).stream().map(ObjectInfo::name).sorted().toList();
    }

    static MemoryBackend copyOf(Backend source) throws IOException {
        MemoryBackend copy = new MemoryBackend();
        for (ObjectInfo info : source.list("")) {
            copy.put(info.name(), source.get(info.name()));
        }
        return copy;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            fail("cannot copy " + from + ": " + e);
        }
    }
}

package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.Verifier;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several writers, through separate vault handles as separate processes would, write into one vault at once. */
class ConcurrentWritersTest {
    private static final int SIZE = 3 * TestVault.CHUNK + 12345;
    @TempDir Path dir;

    @Test
    void concurrentWritersOfSharedAndDistinctDataAllProduceRestorablePoints() throws Exception {
        int writers = 4;
        byte[] shared = new DiskImage(SIZE, 1).random(0, SIZE).bytes();
        List<byte[]> disks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            byte[] disk = shared.clone();
            byte[] own = new DiskImage(TestVault.CHUNK, 100 + w).random(0, TestVault.CHUNK).bytes();
            System.arraycopy(own, 0, disk, TestVault.CHUNK, own.length); // one chunk of its own, the rest shared
            disks.add(disk);
        }
        try (TestVault first = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            CyclicBarrier start = new CyclicBarrier(writers);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<PointManifest>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int which = w;
                results.add(pool.submit(() -> {
                    // each writer its own backend on the vault's directory, as separate processes have (a Vault
                    // closes its backend, and with it the backend's directory of temporaries)
                    try (Vault handle = Vault.open(VaultFlavour.LOCAL_ENCRYPTED.backend(dir),
                            VaultFlavour.LOCAL_ENCRYPTED.keys(dir))) {
                        start.await();
                        try (PointWriter writer = PointWriter.begin(handle, "vm-" + which, Instant.now(), 2)) {
                            writer.writeDisk("vda", ByteArrayBlockSource.of(disks.get(which)), "raw", null, Progress.NONE);
                            return writer.commit("CRASH", null, List.of(), null);
                        }
                    }
                }));
            }
            List<PointManifest> points = new ArrayList<>();
            for (Future<PointManifest> result : results) {
                points.add(result.get());
            }
            pool.shutdown();
            assertEquals(writers, first.vault().points().size());
            assertEquals(3 + writers, first.chunkObjects().size(), "shared chunks stored once, each own chunk once");
            for (int w = 0; w < writers; w++) {
                assertArrayEquals(disks.get(w), first.restore(points.get(w), "vda"), "writer " + w);
            }
            assertTrue(new Verifier(first.vault(), 2).verify(first.vault().points(), Progress.NONE).clean());
            assertEquals(0, new GarbageCollector(first.vault()).collect(Duration.ZERO, Duration.ofSeconds(5)).sweptChunks(),
                    "nothing written by the writers is garbage");
        }
    }
}

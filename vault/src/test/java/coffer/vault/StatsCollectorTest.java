package coffer.vault;

import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.maintenance.VaultStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsCollectorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void statsCountPointsBytesAndDistinctChunks(VaultFlavour flavour) throws IOException {
        // chunk 0 text, chunk 1 zeros, chunk 2 repeats chunk 0, chunk 3 random, a 1000-byte tail of text
        byte[] disk = new DiskImage(4 * CHUNK + 1000, 61).text(0, CHUNK).copy(0, 2L * CHUNK, CHUNK)
                .random(3L * CHUNK, CHUNK).text(4L * CHUNK, 1000).bytes();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            PointManifest second = vault.backup("vm", disk);
            VaultStats stats = new StatsCollector(vault.vault()).collect();

            assertEquals(2, stats.points());
            assertEquals(2L * disk.length, stats.logicalBytes());
            assertEquals(2L * (3 * CHUNK + 1000), stats.dataBytes());
            assertEquals(3, stats.chunks());
            assertEquals(2L * CHUNK + 1000, stats.uniqueBytes());
            long stored = vault.backend().list(Vault.CHUNKS).stream().mapToLong(o -> o.size()).sum();
            assertEquals(stored, stats.storedBytes());
            assertEquals(0, stats.unreferencedChunks());
            assertEquals((double) stats.dataBytes() / stats.uniqueBytes(), stats.dedupRatio(), 1e-9);
            assertTrue(stats.dedupRatio() > 2, "two identical points with a duplicated chunk: " + stats.dedupRatio());

            assertEquals(List.of(first.id(), second.id()), stats.perPoint().stream().map(VaultStats.PointStats::id).toList());
            VaultStats.DiskStats firstDisk = stats.perPoint().get(0).disks().getFirst();
            assertEquals(3, firstDisk.newChunks());
            assertEquals(4, firstDisk.dataChunks());
            assertEquals(0, stats.perPoint().get(1).disks().getFirst().newChunks());
            assertEquals(disk.length, stats.perPoint().get(1).logicalBytes());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void textCompressesAndRandomDataDoesNot(VaultFlavour flavour) throws IOException {
        try (TestVault vault = flavour.create(dir.resolve("text"))) {
            vault.backup("text", new DiskImage(4 * CHUNK, 62).text(0, 4 * CHUNK).bytes());
            VaultStats stats = new StatsCollector(vault.vault()).collect();
            assertTrue(stats.compressionRatio() > 2, "text: " + stats.compressionRatio());
            assertEquals(1.0, stats.dedupRatio(), 1e-9);
        }
        try (TestVault vault = flavour.create(dir.resolve("random"))) {
            vault.backup("random", new DiskImage(4 * CHUNK, 63).random(0, 4 * CHUNK).bytes());
            VaultStats stats = new StatsCollector(vault.vault()).collect();
            assertTrue(stats.compressionRatio() <= 1.0 && stats.compressionRatio() > 0.99, "random: " + stats.compressionRatio());
        }
    }

    @Test
    void chunksOfDeletedPointsCountAsUnreferencedUntilGc() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest old = vault.backup("vm", new DiskImage(2 * CHUNK, 64).random(0, 2 * CHUNK).bytes());
            vault.backup("vm", new DiskImage(CHUNK, 65).random(0, CHUNK).bytes());
            vault.vault().deletePoint(old.id());
            VaultStats stats = new StatsCollector(vault.vault()).collect();
            assertEquals(1, stats.points());
            assertEquals(2, stats.unreferencedChunks());
            assertTrue(stats.unreferencedBytes() > 2L * CHUNK);
            new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ZERO);
            assertEquals(0, new StatsCollector(vault.vault()).collect().unreferencedChunks());
        }
    }

    @Test
    void anEmptyVaultHasNeutralRatios() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            VaultStats stats = new StatsCollector(vault.vault()).collect();
            assertEquals(0, stats.points());
            assertEquals(1.0, stats.dedupRatio());
            assertEquals(1.0, stats.compressionRatio());
        }
    }
}

package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Verifier;
import coffer.vault.read.ChunkCache;
import coffer.vault.read.PointDiskSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real sparse qcow2 of 4 TiB (its block status is quick: 8 Mi chunks, 256 MiB of index) read through qemu-nbd into
 * the vault with the index kept in a temporary file (docs/format/index.md, "Memory"), twice (the second deduplicated
 * against the first), and read back: the written regions bit for bit, every other chunk zero, verify clean.
 */
class LargeSparseImageIT {
    private static final long TiB = 1L << 40;
    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aFourTebibyteSparseQcow2IsBackedUpTwiceAndReadsBackBitForBit() throws Exception {
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("qemu-io");
        Environment.requireCommand("qemu-nbd");
        Path image = dir.resolve("big.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "4T");
        List<Long> offsets = List.of(0L, 2 * TiB + 3 * MiB, 4 * TiB - 2 * MiB);
        byte[] data = TestData.random(21, 2 * MiB);
        Path source = dir.resolve("data.bin");
        Files.write(source, data);
        for (long offset : offsets) {
            run("qemu-io", "-f", "qcow2", "-c", "write -q -s " + source + " " + offset + " 2M", image.toString());
        }
        System.setProperty(FixedIndex.HEAP_LIMIT_PROPERTY, "0"); // as a disk whose index exceeds the heap
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir.resolve("vault"))) {
            ImageBackup backup = new ImageBackup();
            PointManifest first = backup.run(vault.vault(), new ImageBackup.Request("big21", List.of(image), 2), JobProgress.NONE);
            PointManifest second = backup.run(vault.vault(), new ImageBackup.Request("big21", List.of(image), 2), JobProgress.NONE);
            PointManifest.Disk disk = second.disks().getFirst();
            assertEquals(4 * TiB, disk.size());
            assertEquals(0, disk.newChunks(), "the second point stores nothing new");
            FixedIndex index = vault.vault().readIndex(second, disk);
            assertFalse(index.inHeap());
            assertEquals(first.disks().getFirst().indexChecksum(), disk.indexChecksum());
            int chunk = index.chunkSize();
            long dataChunks = 0;
            for (int i = 0; i < index.chunkCount(); i++) {
                dataChunks += index.isZero(i) ? 0 : 1;
            }
            long expected = offsets.stream().mapToLong(o -> (o + 2 * MiB - 1) / chunk - o / chunk + 1).sum();
            assertEquals(expected, dataChunks, "only the chunks of the written regions hold data");
            try (PointDiskSource restored = PointDiskSource.open(vault.vault(), second, disk, new ChunkCache(16L * MiB))) {
                for (long offset : offsets) {
                    ByteBuffer read = ByteBuffer.allocate(2 * MiB);
                    restored.read(offset, read);
                    assertArrayEquals(data, read.array(), "the region at " + offset);
                    ByteBuffer before = ByteBuffer.allocate(4096);
                    if (offset > 0) {
                        restored.read(offset - 4096, before);
                        assertArrayEquals(new byte[4096], before.array(), "zeros before " + offset);
                    }
                }
                List<Extent> extents = restored.dataExtents(0, 4 * TiB);
                assertTrue(extents.size() <= offsets.size() * 2, "the served disk is sparse: " + extents.size() + " extents");
            }
            assertTrue(new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE).clean());
        } finally {
            System.clearProperty(FixedIndex.HEAP_LIMIT_PROPERTY);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }
}

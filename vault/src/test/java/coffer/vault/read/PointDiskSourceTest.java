package coffer.vault.read;

import coffer.testing.DiskImage;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.io.Extent;
import coffer.vault.write.DiskBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A point's disk read on demand: exact bytes anywhere, holes as holes, a bounded cache, damage named. */
class PointDiskSourceTest {
    private static final int SIZE = 8 * CHUNK + 5000;

    @TempDir
    Path dir;

    /** Chunks 0-1 text, 2-3 zero, 4 random, 5 zero, 6-7 and the tail random. */
    private static byte[] disk() {
        return new DiskImage(SIZE, 7).text(0, 2 * CHUNK).random(4L * CHUNK, CHUNK).random(6L * CHUNK, 2 * CHUNK + 5000)
                .bytes();
    }

    private static byte[] read(PointDiskSource source, long offset, int length) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        source.read(offset, buffer);
        assertEquals(length, buffer.position());
        return buffer.array();
    }

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void readsExactBytesAtAnyOffsetAndLength(VaultFlavour flavour) throws Exception {
        byte[] disk = disk();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), new ChunkCache(4L * CHUNK));
            assertEquals(SIZE, source.size());
            Random random = new Random(3);
            for (int n = 0; n < 200; n++) {
                int offset = random.nextInt(SIZE);
                int length = 1 + random.nextInt(Math.min(SIZE - offset, 3 * CHUNK));
                assertArrayEquals(Arrays.copyOfRange(disk, offset, offset + length), read(source, offset, length),
                        "offset " + offset + " length " + length);
            }
            assertArrayEquals(disk, read(source, 0, SIZE));
            assertThrows(EOFException.class, () -> read(source, SIZE - 10, 11));
        }
    }

    @Test
    void zeroChunksAreHolesThatAreNeverFetched() throws Exception {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("vm", disk());
            ChunkCache cache = new ChunkCache(16L * CHUNK);
            PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), cache);
            assertEquals(List.of(new Extent(0, 2L * CHUNK), new Extent(4L * CHUNK, CHUNK), new Extent(6L * CHUNK, 2L * CHUNK + 5000)),
                    source.dataExtents(0, SIZE));
            assertEquals(List.of(new Extent(CHUNK + 10, CHUNK - 10), new Extent(4L * CHUNK, 100)),
                    source.dataExtents(CHUNK + 10, 3L * CHUNK + 90));
            assertEquals(List.of(), source.dataExtents(2L * CHUNK, 2L * CHUNK));
            assertArrayEquals(new byte[2 * CHUNK], read(source, 2L * CHUNK, 2 * CHUNK));
            assertEquals(0, cache.loads(), "a hole is never fetched from the vault");
        }
    }

    @Test
    void eachChunkIsFetchedOnceWhileCachedAndAgainAfterEviction() throws Exception {
        byte[] disk = disk();
        try (TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            ChunkCache cache = new ChunkCache(2L * CHUNK);
            PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), cache);
            for (int k = 0; k < 64; k++) {
                read(source, k * 4096L, 4096);
            }
            assertEquals(1, cache.loads(), "64 reads of 4 KiB in chunk 0 fetch it once");
            assertEquals(63, cache.hits());
            read(source, 4L * CHUNK, CHUNK);
            read(source, 6L * CHUNK, CHUNK);
            read(source, 7L * CHUNK, CHUNK);
            read(source, CHUNK, CHUNK);
            cache.clear();
            long before = cache.loads();
            read(source, 0, 4096);
            assertEquals(before + 1, cache.loads(), "a cleared cache fetches again");
        }
    }

    @Test
    void concurrentReadersOfOneChunkShareOneFetch() throws Exception {
        byte[] disk = disk();
        try (TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir);
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            PointManifest point = vault.backup("vm", disk);
            ChunkCache cache = new ChunkCache(16L * CHUNK);
            PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), cache);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<byte[]>> reads = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = 6 * CHUNK + t * 1000;
                reads.add(pool.submit(() -> {
                    start.await();
                    return read(source, offset, 1000);
                }));
            }
            start.countDown();
            for (int t = 0; t < 8; t++) {
                int offset = 6 * CHUNK + t * 1000;
                assertArrayEquals(Arrays.copyOfRange(disk, offset, offset + 1000), reads.get(t).get());
            }
            assertEquals(1, cache.loads());
        }
    }

    @Test
    void patchedChunksReadAsTheirNewContent() throws Exception {
        byte[] first = disk();
        byte[] second = DiskImage.from(first, 9).random(4L * CHUNK + 8192, 4096).bytes();
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            PointManifest base = vault.backup("vm", first);
            PointManifest point = vault.backup("vm", coffer.testing.ByteArrayBlockSource.of(second),
                    new DiskBase(base.id(), vault.index(base, "vda"), List.of(new Extent(4L * CHUNK + 8192, 4096))));
            assertTrue(vault.index(point, "vda").patchCount() > 0, "the changed chunk is stored as a patch");
            PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), new ChunkCache(CHUNK));
            assertArrayEquals(second, read(source, 0, SIZE));
        }
    }

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void damagedChunkFailsTheReadNamingPointDiskAndRangeAndIsNotCached(VaultFlavour flavour) throws Exception {
        byte[] disk = disk();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            String chunk4 = vault.index(point, "vda").get(4).objectName();
            byte[] stored = vault.backend().get(chunk4).array().clone();
            vault.backend().put(chunk4, ByteBuffer.wrap(TestData.flipBit(stored, 8L * (stored.length - 40))));
            ChunkCache cache = new ChunkCache(16L * CHUNK);
            PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), cache);
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> read(source, 4L * CHUNK + 100, 10));
            assertEquals("point " + point.id() + " disk vda bytes " + 4L * CHUNK + "-" + (5L * CHUNK - 1), e.where());
            assertEquals(chunk4, e.object());
            assertThrows(CorruptDataException.class, () -> read(source, 4L * CHUNK, 10), "failures are not cached");
            assertArrayEquals(Arrays.copyOfRange(disk, 6 * CHUNK, 7 * CHUNK), read(source, 6L * CHUNK, CHUNK),
                    "the rest of the disk still reads");
        }
    }
}

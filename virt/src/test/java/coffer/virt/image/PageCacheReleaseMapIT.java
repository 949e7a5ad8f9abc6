package coffer.virt.image;

import coffer.testing.Environment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PageCacheRelease} reads a qcow2's mapping once for a disk of several GiB (not once per window of it), and a
 * fragmented mapping above its extent limit a part at a time; either way the pages dropped are exactly the host
 * ranges of the guest ranges released, also where one run of them is released in pieces that share a large folio. Page counts by {@code fincore} (util-linux).
 */
class PageCacheReleaseMapIT {
    private static final long PAGE = 4096;
    private static final long MIB = Images.MiB;
    private static final long CLUSTER = 64 * 1024;
    /**
     * Pages another process may drop from the page cache meanwhile. The kernel keeps a large folio that a range covers
     * only in part, so the ranges whose pages are counted are whole runs of the file's data.
     */
    private static final long SLACK = 64;
    @TempDir Path dir;

    @BeforeAll
    static void tools() {
        Images.requireQemuNbdTools();
        Environment.requireCommand("fincore");
    }

    @Test
    void aDiskOfSeveralGibIsMappedOnce() throws Exception {
        Path image = dir.resolve("big.qcow2");
        Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "3G");
        // 8 MiB of data in each GiB of the disk, written from the top down: the file holds them in the other order
        Images.mustRun("qemu-io", "-f", "qcow2", "-c", "write -P 3 2560M 8M", "-c", "write -P 2 1536M 8M",
                "-c", "write -P 1 512M 8M", image.toString());
        PageCacheReleaseIT.cacheWhole(image);
        long before = PageCacheReleaseIT.cachedPages(image);
        assertTrue(before >= 24 * MIB / PAGE, "the image is cached before: " + before + " pages");

        try (PageCacheRelease cache = PageCacheRelease.open(image, "qcow2").orElseThrow()) {
            assertEquals(0, cache.release(0, 512 * MIB), "no data of the file in the first 512 MiB");
            assertEquals(8 * MIB, cache.release(512 * MIB, 1024 * MIB));
            assertEquals(8 * MIB, cache.release(2560 * MIB, 2600 * MIB));
            assertEquals(1, cache.maps(), "the mapping read once, from the first range released to the end");
            assertDropped(before, PageCacheReleaseIT.cachedPages(image), 16 * MIB);

            assertEquals(16 * MIB, cache.release(1024 * MIB, 3072 * MIB), "the rest, and again what was released");
            assertEquals(1, cache.maps());
            assertDropped(before, PageCacheReleaseIT.cachedPages(image), 24 * MIB);
        }
    }

    @Test
    void aMappingAboveTheLimitIsReadAPartAtATime() throws Exception {
        Path image = dir.resolve("fragmented.qcow2");
        Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "2M");
        // 32 clusters written from the last to the first: no two of them lie one after the other in the file
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (int cluster = 31; cluster >= 0; cluster--) {
            command.addAll(List.of("-c", "write -P " + (cluster + 1) + " " + cluster * CLUSTER + " 64k"));
        }
        command.add(image.toString());
        Images.mustRun(command.toArray(String[]::new));
        PageCacheReleaseIT.cacheWhole(image);
        long before = PageCacheReleaseIT.cachedPages(image);

        try (PageCacheRelease cache = PageCacheRelease.open(image, "qcow2", 4).orElseThrow()) {
            for (int cluster = 0; cluster < 32; cluster += 2) {
                assertEquals(CLUSTER, cache.release(cluster * CLUSTER, (cluster + 1) * CLUSTER));
            }
            assertEquals(8, cache.maps(), "32 extents, 4 at a time");
            long dropped = before - PageCacheReleaseIT.cachedPages(image);
            // (a large folio that a released cluster covers only in part stays cached: no lower bound here)
            assertTrue(dropped <= 16 * CLUSTER / PAGE, "no more than the clusters released: " + dropped + " pages");

            assertEquals(32 * CLUSTER, cache.release(0, 2 * MIB), "a range below the part held: mapped again");
            assertEquals(16, cache.maps());
            assertDropped(before, PageCacheReleaseIT.cachedPages(image), 32 * CLUSTER);
        }
    }

    @Test
    void contiguousClustersAreOneExtent() throws Exception {
        Path image = dir.resolve("contiguous.qcow2");
        Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "2G");
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (int cluster = 0; cluster < 32; cluster++) {
            command.addAll(List.of("-c", "write -P 9 " + (1024 * MIB + cluster * CLUSTER) + " 64k"));
        }
        command.add(image.toString());
        Images.mustRun(command.toArray(String[]::new));

        try (PageCacheRelease cache = PageCacheRelease.open(image, "qcow2", 1).orElseThrow()) {
            assertEquals(2 * MIB, cache.release(0, 2048 * MIB));
            assertEquals(1, cache.maps(), "32 clusters one after the other in the file: one extent");
        }
    }

    @Test
    void aRunReleasedInPiecesDropsTheLargeFoliosThePiecesShare() throws Exception {
        // written in 1 MiB writes: the page cache holds the file in large folios (ext4 on Linux 6.18 here)
        Path file = dir.resolve("disk.raw");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) MIB);
            for (int i = 0; i < 16; i++) {
                ThreadLocalRandom.current().nextBytes(buffer.array());
                channel.write(buffer.clear());
            }
            channel.force(true);
        }
        long before = PageCacheReleaseIT.cachedPages(file);
        assertEquals(16 * MIB / PAGE, before, "the file written is cached");
        long split = 4 * MIB + 320 * 1024;

        try (PageCacheRelease cache = PageCacheRelease.open(file, "raw").orElseThrow()) {
            assertEquals(split, cache.release(0, split));
            long dropped = before - PageCacheReleaseIT.cachedPages(file);
            assertTrue(dropped <= split / PAGE, "no more than released: " + dropped + " pages");

            assertEquals(10 * MIB - split, cache.release(split, 10 * MIB), "the rest of the run");
            assertEquals(6 * MIB / PAGE, PageCacheReleaseIT.cachedPages(file),
                    "all of the run dropped, also the folio at the first piece's end; the last 6 MiB kept");

            assertEquals(MIB, cache.release(12 * MIB + 320 * 1024, 13 * MIB + 320 * 1024), "a range apart");
            dropped = 6 * MIB / PAGE - PageCacheReleaseIT.cachedPages(file);
            assertTrue(dropped <= MIB / PAGE, "no more than released: " + dropped + " pages");
        }
    }

    private static void assertDropped(long before, long after, long bytes) {
        long dropped = before - after;
        assertTrue(dropped >= bytes / PAGE && dropped <= bytes / PAGE + SLACK,
                "exactly the " + bytes + " bytes released dropped, the rest kept: " + before + " -> " + after
                        + " pages");
    }
}

package coffer.virt.image;

import coffer.testing.CachedPages;
import coffer.testing.Environment;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PageCacheRelease} drops the page-cache pages of a guest range from a qcow2 file, at the host offsets its
 * mapping gives, and keeps the rest; a guest range the file holds no data for releases nothing. Page counts by
 * {@code fincore} (util-linux).
 */
class PageCacheReleaseIT {
    private static final long PAGE = 4096;
    @TempDir Path dir;

    @BeforeAll
    static void tools() {
        Images.requireQemuNbdTools();
        Environment.requireCommand("fincore");
    }

    @Test
    void releasesTheHostRangesOfAGuestRangeOnly() throws Exception {
        // 16 MiB of data from guest offset 32 MiB: the qcow2's data clusters lie elsewhere in the file
        Path raw = Images.sparseRaw(dir.resolve("a.raw"), 64L * Images.MiB, List.of(new Extent(32L * Images.MiB,
                16L * Images.MiB)), 7);
        Path image = dir.resolve("a.qcow2");
        Images.mustRun("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        cacheWhole(image);
        long before = cachedPages(image);
        assertTrue(before >= 16L * Images.MiB / PAGE, "the image is cached before: " + before + " pages");

        try (PageCacheRelease cache = PageCacheRelease.open(image, "qcow2").orElseThrow()) {
            assertEquals(0, cache.release(0, 32L * Images.MiB), "no data of the file in the first 32 MiB");
            assertEquals(8L * Images.MiB, cache.release(0, 40L * Images.MiB));
        }

        long after = cachedPages(image);
        long dropped = before - after;
        assertTrue(dropped >= 8L * Images.MiB / PAGE && dropped <= 8L * Images.MiB / PAGE + 64,
                "the 8 MiB of guest data released, the rest kept: " + before + " -> " + after + " pages");
    }

    @Test
    void anotherFormatOrAMissingFileGivesNothingToRelease() {
        assertTrue(PageCacheRelease.open(dir.resolve("missing.qcow2"), "qcow2").isEmpty());
        assertTrue(PageCacheRelease.open(dir, "vmdk").isEmpty());
    }

    /** Written back and read whole: every page of the file clean and cached. */
    static void cacheWhole(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.force(true);
            ByteBuffer buffer = ByteBuffer.allocate(Images.MiB);
            for (long at = 0; at < channel.size(); at += buffer.capacity()) {
                channel.read(buffer.clear(), at);
            }
        }
    }

    static long cachedPages(Path file) throws Exception {
        return CachedPages.of(file);
    }
}

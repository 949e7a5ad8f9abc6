package coffer.vault.backend;

import coffer.testing.CachedPages;
import coffer.testing.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * New chunks of at least {@link NewFile#DIRECT_FROM} bytes are written with {@code O_DIRECT} (docs/performance.md,
 * session 25): read back byte for byte at their exact length whatever the size (block multiples or not, larger than the
 * aligned buffers kept), and the page cache holds only their last part block's page after the write, where a file
 * written through it keeps them all. {@code @TempDir} is on ext4 here (the root file system), which takes {@code O_DIRECT}. Page
 * counts by {@code fincore} (util-linux).
 */
class DirectChunkWritesTest {
    @TempDir
    Path dir;

    private static final int[] SIZES = {0, 1, 4095, 4096, 4097, 65_535, 65_536, 65_537, 333_333, 524_288 + 61, (2 << 20) + 1};

    @Test
    void everySizeReadsBackWholeAndExact() throws Exception {
        LocalDirectoryBackend backend = new LocalDirectoryBackend(dir.resolve("vault"));
        assertTrue(backend.directWrites());
        Random random = new Random(25);
        for (int size : SIZES) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            String name = "chunks/" + String.format("%02x", size % 256) + "/" + String.format("%064x", size);
            // a heap buffer at a non-zero position and offset, as the codec's sealed buffers may be
            byte[] framed = new byte[size + 7];
            System.arraycopy(bytes, 0, framed, 5, size);
            assertTrue(backend.putIfAbsent(name, ByteBuffer.wrap(framed, 5, size)), "created " + size);
            assertFalse(backend.putIfAbsent(name, ByteBuffer.wrap(new byte[size + 1])), "the existing one wins " + size);
            ByteBuffer back = backend.get(name);
            byte[] read = new byte[back.remaining()];
            back.get(read);
            assertArrayEquals(bytes, read, "object of " + size + " bytes");
            assertEquals(size, Files.size(dir.resolve("vault").resolve(name)), "exact length of " + size);
        }
        assertTrue(backend.directWrites(), "ext4 took O_DIRECT throughout");
    }

    @Test
    void aLargeChunkLeavesOnePageCachedWhereABufferedOneLeavesAll() throws Exception {
        Environment.requireCommand("fincore");
        byte[] bytes = new byte[333_333];
        new Random(7).nextBytes(bytes);
        LocalDirectoryBackend direct = new LocalDirectoryBackend(dir.resolve("direct"));
        assertTrue(direct.putIfAbsent("chunks/ab/" + "ab".repeat(32), ByteBuffer.wrap(bytes)));
        assertEquals(1, CachedPages.of(dir.resolve("direct/chunks/ab/" + "ab".repeat(32))),
                "O_DIRECT: only the last part block's page cached");

        String previous = System.setProperty("coffer.chunkWrites", "buffered");
        LocalDirectoryBackend buffered;
        try {
            buffered = new LocalDirectoryBackend(dir.resolve("buffered"));
        } finally {
            if (previous == null) {
                System.clearProperty("coffer.chunkWrites");
            } else {
                System.setProperty("coffer.chunkWrites", previous);
            }
        }
        assertFalse(buffered.directWrites());
        assertTrue(buffered.putIfAbsent("chunks/ab/" + "ab".repeat(32), ByteBuffer.wrap(bytes)));
        assertEquals((333_333 + 4095) / 4096, CachedPages.of(dir.resolve("buffered/chunks/ab/" + "ab".repeat(32))),
                "through the page cache: every page cached");
        assertArrayEquals(Files.readAllBytes(dir.resolve("buffered/chunks/ab/" + "ab".repeat(32))),
                Files.readAllBytes(dir.resolve("direct/chunks/ab/" + "ab".repeat(32))), "the same file either way");
    }

    @Test
    void aSmallObjectGoesThroughThePageCache() throws Exception {
        Environment.requireCommand("fincore");
        LocalDirectoryBackend backend = new LocalDirectoryBackend(dir.resolve("vault"));
        byte[] bytes = new byte[NewFile.DIRECT_FROM - 1];
        new Random(3).nextBytes(bytes);
        assertTrue(backend.putIfAbsent("chunks/cd/" + "cd".repeat(32), ByteBuffer.wrap(bytes)));
        assertEquals(16, CachedPages.of(dir.resolve("vault/chunks/cd/" + "cd".repeat(32))), "below DIRECT_FROM: buffered");
        assertTrue(backend.directWrites(), "a small object does not turn O_DIRECT off");
    }
}

package coffer.vault.backend;

import coffer.testing.S3Server;
import coffer.vault.backend.s3.S3Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Backend#putStream} publishes whole or not at all (docs/format/README.md): a write that fails mid-way, is
 * cancelled (its thread interrupted), or writes other than the length it declared leaves no object, no temporary file
 * in a directory vault and no multipart upload (nor part) in a bucket, and an object it replaced keeps its bytes.
 * A whole streamed object reads back bit for bit through {@link Backend#getStream}, in one part and in several.
 */
class StreamedPutLeavesNothingIT {
    private static final String NAME = "points/20260101-000000-00000001/disk-0.fidx";
    /** Three parts and a bit on S3 (8 MiB each). */
    private static final int LARGE = 3 * (8 << 20) + 12345;

    @TempDir
    Path dir;

    @Test
    void directoryBackend() throws IOException {
        LocalDirectoryBackend backend = new LocalDirectoryBackend(dir.resolve("vault"));
        everyFailureLeavesNothing(backend);
        try (Stream<Path> files = Files.walk(dir.resolve("vault"))) {
            assertEquals(List.of(), files.filter(p -> p.toString().contains("~tmp~") && Files.isRegularFile(p)).toList(),
                    "no temporary left");
        }
    }

    @Test
    void s3Backend() throws IOException {
        try (S3Backend backend = S3Server.shared().newBackend("streamed")) {
            everyFailureLeavesNothing(backend);
            assertEquals(0, backend.removeAbandonedUploads(Instant.now().plusSeconds(3600)), "no multipart upload left");
        }
    }

    @Test
    void memoryBackend() throws IOException {
        everyFailureLeavesNothing(new MemoryBackend());
    }

    private static void everyFailureLeavesNothing(Backend backend) throws IOException {
        byte[] data = new byte[LARGE];
        new Random(22).nextBytes(data);
        for (int length : new int[]{1000, LARGE}) {
            byte[] object = Arrays.copyOf(data, length);
            backend.delete(NAME);
            IOException failed = assertThrows(IOException.class, () -> backend.putStream(NAME, length, out -> {
                out.write(object, 0, length - 100);
                throw new IOException("the writer failed");
            }));
            assertTrue(messages(failed).contains("the writer failed"), messages(failed));
            assertFalse(backend.exists(NAME), "a failed write published nothing");

            assertThrows(IllegalArgumentException.class, () -> backend.putStream(NAME, length, out -> out.write(object, 0,
                    length - 1)));
            assertFalse(backend.exists(NAME), "a short write published nothing");

            backend.putStream(NAME, length, out -> out.write(object));
            assertArrayEquals(object, readAll(backend), "read back bit for bit");
        }
        // a cancelled write of a replacement: the thread interrupted mid-way
        byte[] replacement = data.clone();
        replacement[0] ^= 1;
        assertThrows(IOException.class, () -> backend.putStream(NAME, LARGE, out -> {
            out.write(replacement, 0, LARGE / 2);
            Thread.currentThread().interrupt();
            if (!(backend instanceof S3Backend)) {
                throw new java.io.InterruptedIOException("cancelled");
            }
            out.write(replacement, LARGE / 2, LARGE - LARGE / 2);
        }));
        assertTrue(Thread.interrupted(), "the cancel stays visible to the caller");
        assertArrayEquals(data, readAll(backend), "the object replaced keeps its bytes");
        backend.delete(NAME);
    }

    private static byte[] readAll(Backend backend) throws IOException {
        try (InputStream in = backend.getStream(NAME)) {
            return in.readAllBytes();
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (; e != null; e = e.getCause()) {
            all.append(e.getMessage()).append('\n');
        }
        return all.toString();
    }
}

package coffer.virt.image;

import coffer.testing.Environment;
import coffer.vault.io.BlockSink;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawFileSinkTest {
    @TempDir
    Path dir;

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(5).nextBytes(bytes);
        return bytes;
    }

    private static byte[] readAll(Path file) throws Exception {
        return Files.readAllBytes(file);
    }

    @Test
    void aNewSinkIsASparseFileOfTheRequestedSize() throws Exception {
        Path file = dir.resolve("new.raw");
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 64L * MiB, false)) {
            sink.commit();
        }
        assertEquals(64L * MiB, Files.size(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a restored disk holds guest data: owner-only");
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(List.of(), source.dataExtents(0, source.size()));
        }
    }

    @Test
    void writesLandWhereTheyWereAskedToAndNowhereElse() throws Exception {
        Path file = dir.resolve("new.raw");
        byte[] data = random(MiB);
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 8L * MiB, false)) {
            sink.write(2L * MiB, ByteBuffer.wrap(data));
            sink.commit();
        }
        byte[] all = readAll(file);
        assertArrayEquals(data, Arrays.copyOfRange(all, 2 * MiB, 3 * MiB));
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(List.of(new Extent(2L * MiB, MiB)), source.dataExtents(0, source.size()));
        }
    }

    @Test
    void writeZeroesPunchesAHole() throws Exception {
        Path file = dir.resolve("new.raw");
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 4L * MiB, false)) {
            sink.write(0, ByteBuffer.wrap(random(2 * MiB)));
            sink.writeZeroes(MiB / 2, MiB);
            sink.commit();
        }
        byte[] all = readAll(file);
        for (int i = MiB / 2; i < MiB / 2 + MiB; i++) {
            if (all[i] != 0) {
                throw new AssertionError("byte " + i + " not zeroed");
            }
        }
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(List.of(new Extent(0, MiB / 2), new Extent(MiB / 2 + MiB, MiB / 2)),
                    source.dataExtents(0, source.size()));
        }
    }

    @Test
    void anExistingFileIsRefusedUnlessOverwriting() throws Exception {
        Path file = dir.resolve("old.raw");
        Files.write(file, random(MiB));
        assertThrows(FileAlreadyExistsException.class, () -> DiskImages.createSink(file, ImageFormat.RAW, MiB, false));
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 2L * MiB, true)) {
            sink.commit();
        }
        assertEquals(2L * MiB, Files.size(file));
        assertArrayEquals(new byte[2 * MiB], readAll(file), "old content is gone");
    }

    @Test
    void aSinkThatCannotBeMadeRemovesTheFileItCreatedAndKeepsOneItWasToOverwrite() throws Exception {
        Environment.need("ext4".equals(Files.getFileStore(dir).type()), "a temporary directory on ext4 (largest file 16 TiB)");
        long tooLarge = 1L << 50; // 1 PiB: setting the length fails (EFBIG) after the name was claimed
        Path file = dir.resolve("new.raw");
        assertThrows(java.io.IOException.class, () -> DiskImages.createSink(file, ImageFormat.RAW, tooLarge, false));
        assertFalse(Files.exists(file), "the file this call created is removed");
        Path old = dir.resolve("old.raw");
        Files.write(old, random(4096));
        assertThrows(java.io.IOException.class, () -> DiskImages.createSink(old, ImageFormat.RAW, tooLarge, true));
        assertTrue(Files.isRegularFile(old), "a file that was there before is not removed");
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, MiB, false)) {
            sink.commit(); // the name is free again, and nothing of the failed call holds the directory
        }
        assertEquals(MiB, Files.size(file));
    }

    @Test
    void writesOutsideTheDiskAreRefused() throws Exception {
        try (BlockSink sink = DiskImages.createSink(dir.resolve("x.raw"), ImageFormat.RAW, MiB, false)) {
            assertThrows(java.io.IOException.class, () -> sink.write(MiB - 1, ByteBuffer.allocate(2)));
            assertThrows(java.io.IOException.class, () -> sink.writeZeroes(-1, 2));
        }
    }

    @Test
    void aDirectoryIsNoSink() {
        var e = assertThrows(java.nio.file.FileSystemException.class,
                () -> DiskImages.createSink(dir, ImageFormat.RAW, MiB, true));
        assertEquals(dir.toString(), e.getFile());
        assertFalse(Files.isRegularFile(dir));
    }
}

package coffer.virt.image;

import coffer.vault.io.BlockSink;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A raw restore leaves the 64 KiB pieces of a write that hold only zeros as holes, as a qcow2 restore leaves such
 * clusters unallocated; the bytes read back are exactly those written, a zero run over earlier data reads as zeros,
 * and over a device (which keeps its old data) the zeros are written.
 */
class RawSinkZeroPiecesTest {
    private static final int PIECE = 64 * 1024;
    private static final int CHUNK = 512 * 1024;

    @TempDir
    Path dir;

    /** A 512 KiB chunk with data in its first and last 64 KiB pieces and in a 4 KiB run of its fourth; zeros else. */
    private static byte[] partlyZeroChunk() {
        byte[] chunk = new byte[CHUNK];
        Random random = new Random(26);
        byte[] data = new byte[PIECE];
        random.nextBytes(data);
        System.arraycopy(data, 0, chunk, 0, PIECE);
        System.arraycopy(data, 0, chunk, CHUNK - PIECE, PIECE);
        System.arraycopy(data, 0, chunk, 3 * PIECE + 8192, 4096);
        return chunk;
    }

    @Test
    void zeroPiecesOfAWriteStayHolesAndTheBytesAreThoseWritten() throws Exception {
        Path file = dir.resolve("new.raw");
        byte[] chunk = partlyZeroChunk();
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 4L * MiB, false)) {
            sink.write(MiB, ByteBuffer.wrap(chunk));
            sink.commit();
        }
        byte[] expected = new byte[4 * MiB];
        System.arraycopy(chunk, 0, expected, MiB, CHUNK);
        assertArrayEquals(expected, Files.readAllBytes(file));
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(List.of(new Extent(MiB, PIECE), new Extent(MiB + 3L * PIECE, PIECE),
                            new Extent(MiB + CHUNK - PIECE, PIECE)), source.dataExtents(0, source.size()),
                    "only the pieces holding data are allocated");
        }
    }

    @Test
    void aWriteNotAlignedToPiecesKeepsEveryByte() throws Exception {
        Path file = dir.resolve("odd.raw");
        byte[] chunk = partlyZeroChunk();
        int at = MiB + 1000; // the write's pieces cut where the disk's 64 KiB pieces are, not the buffer's
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 4L * MiB, false)) {
            sink.write(at, ByteBuffer.wrap(chunk, 100, CHUNK - 100));
            sink.commit();
        }
        byte[] expected = new byte[4 * MiB];
        System.arraycopy(chunk, 100, expected, at, CHUNK - 100);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void zerosWrittenOverEarlierDataReadAsZeros() throws Exception {
        Path file = dir.resolve("rewritten.raw");
        byte[] data = new byte[CHUNK];
        new Random(3).nextBytes(data);
        byte[] chunk = partlyZeroChunk();
        try (BlockSink sink = DiskImages.createSink(file, ImageFormat.RAW, 2L * MiB, false)) {
            sink.write(0, ByteBuffer.wrap(data));
            sink.write(0, ByteBuffer.wrap(chunk));
            sink.commit();
        }
        assertArrayEquals(chunk, Arrays.copyOf(Files.readAllBytes(file), CHUNK));
    }

    @Test
    void overADeviceTheZerosAreWritten() throws Exception {
        Path device = dir.resolve("device.img"); // a regular file standing in for a device's old data
        byte[] old = new byte[2 * MiB];
        Arrays.fill(old, (byte) 0xff);
        Files.write(device, old);
        byte[] chunk = partlyZeroChunk();
        try (BlockSink sink = RawFileSink.device(device, 2L * MiB)) {
            sink.write(0, ByteBuffer.wrap(chunk));
            sink.commit();
        }
        assertArrayEquals(chunk, Arrays.copyOf(Files.readAllBytes(device), CHUNK), "the device's old bytes must not show");
    }
}

package coffer.virt.nbd;

import coffer.testing.Environment;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static coffer.virt.nbd.MetaContext.BASE_ALLOCATION;
import static coffer.virt.nbd.MetaContext.STATE_HOLE;
import static coffer.virt.nbd.MetaContext.STATE_ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NBD client against a real nbdkit: its plugins and filters stand in for unusual servers. */
class NbdkitIT {
    private static final int MiB = 1 << 20;
    private static final int HOLE_ZERO = STATE_HOLE | STATE_ZERO;

    @TempDir
    Path dir;

    @BeforeEach
    void needNbdkit() {
        Environment.requireCommand("nbdkit");
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(NbdConnection connection, long offset, int length) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        connection.read(offset, buffer);
        assertFalse(buffer.hasRemaining());
        return buffer.array();
    }

    @Test
    void handshakeNegotiatesStructuredRepliesAndBaseAllocation() throws Exception {
        try (Nbdkit server = Nbdkit.unix(dir, "memory", "64M");
             NbdConnection connection = NbdConnection.open(server.export())) {
            assertEquals(64L * MiB, connection.size());
            assertTrue(connection.structuredReplies());
            assertEquals(java.util.Set.of(BASE_ALLOCATION), connection.metaContexts());
            assertFalse(connection.readOnly());
            assertTrue(connection.canFlush());
            assertTrue(connection.canWriteZeroes());
        }
    }

    @Test
    void writtenDataReadsBackAndBlockStatusShowsDataAndPunchedHoles() throws Exception {
        byte[] data = random(MiB, 1);
        try (Nbdkit server = Nbdkit.unix(dir, "memory", "8M");
             NbdConnection connection = NbdConnection.open(server.export())) {
            connection.write(4L * MiB, ByteBuffer.wrap(data));
            connection.flush();
            assertArrayEquals(data, read(connection, 4L * MiB, MiB));
            assertEquals(List.of(
                            new BlockStatusExtent(0, 4L * MiB, HOLE_ZERO),
                            new BlockStatusExtent(4L * MiB, MiB, 0),
                            new BlockStatusExtent(5L * MiB, 3L * MiB, HOLE_ZERO)),
                    connection.blockStatus(BASE_ALLOCATION, 0, 8L * MiB));

            connection.writeZeroes(4L * MiB + 256 * 1024, 256 * 1024);
            byte[] expected = data.clone();
            java.util.Arrays.fill(expected, 256 * 1024, 512 * 1024, (byte) 0);
            assertArrayEquals(expected, read(connection, 4L * MiB, MiB));
            List<BlockStatusExtent> status = connection.blockStatus(BASE_ALLOCATION, 4L * MiB, MiB);
            assertEquals(List.of(
                    new BlockStatusExtent(4L * MiB, 256 * 1024, 0),
                    new BlockStatusExtent(4L * MiB + 256 * 1024, 256 * 1024, HOLE_ZERO),
                    new BlockStatusExtent(4L * MiB + 512 * 1024, 512 * 1024, 0)), status);
        }
    }

    @Test
    void requestsAreSplitAtTheServersMaximumBlockSize() throws Exception {
        // The filter advertises a 64 KiB maximum and fails any larger request with EINVAL.
        byte[] data = random(3 * MiB + 4096, 2);
        try (Nbdkit server = Nbdkit.unix(dir, "--filter=blocksize-policy", "memory", "8M",
                "blocksize-maximum=65536", "blocksize-error-policy=error");
             NbdConnection connection = NbdConnection.open(server.export())) {
            assertEquals(65536, connection.blockSize().maximum());
            connection.write(MiB, ByteBuffer.wrap(data));
            connection.writeZeroes(0, 8L * MiB - 1024 * 1024 * 2);
            connection.write(6L * MiB, ByteBuffer.wrap(data, 0, MiB));
            assertArrayEquals(java.util.Arrays.copyOf(data, MiB), read(connection, 6L * MiB, MiB));
        }
    }

    @Test
    void unalignedReadsAreWidenedToTheServersMinimumBlockSize() throws Exception {
        byte[] data = random(64 * 1024, 3);
        try (Nbdkit server = Nbdkit.unix(dir, "--filter=blocksize-policy", "memory", "1M",
                "blocksize-minimum=4096", "blocksize-error-policy=error");
             NbdConnection connection = NbdConnection.open(server.export())) {
            assertEquals(4096, connection.blockSize().minimum());
            connection.write(0, ByteBuffer.wrap(data));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 5000, 5100), read(connection, 5000, 100));
            assertThrows(IllegalArgumentException.class, () -> connection.write(100, ByteBuffer.allocate(4096)));
            assertEquals(List.of(new BlockStatusExtent(1000, 64 * 1024 - 1000, 0)),
                    connection.blockStatus(BASE_ALLOCATION, 1000, 64 * 1024 - 1000));
        }
    }

    @Test
    void blockStatusAsksAgainWhenTheServerDescribesLessThanTheRange() throws Exception {
        // Each reply describes one 64 KiB extent only; every call is logged.
        Path calls = dir.resolve("extents-calls");
        String extents = "echo $4 >> " + calls + "; if [ $(( ($4 / 65536) % 2 )) -eq 0 ]; "
                + "then echo $4 65536 0; else echo $4 65536 hole,zero; fi";
        try (Nbdkit server = Nbdkit.unix(dir, "eval", "get_size=echo 1048576",
                "pread=dd if=/dev/zero count=$3 iflag=count_bytes 2>/dev/null", "extents=" + extents);
             NbdExportSource source = NbdExportSource.open(server.export(), 1, List.of())) {
            List<Extent> data = source.dataExtents(0, MiB);
            assertEquals(8, data.size());
            for (int i = 0; i < 8; i++) {
                assertEquals(new Extent(2L * i * 65536, 65536), data.get(i));
            }
            assertEquals(16, Files.readAllLines(calls).size(), "one request per 64 KiB extent");
        }
    }

    @Test
    void serverWithoutStructuredRepliesGetsSimpleRepliesAndAllDataExtents() throws Exception {
        byte[] data = random(MiB, 4);
        try (Nbdkit server = Nbdkit.unix(dir, "--no-sr", "memory", "4M");
             NbdExportSource source = NbdExportSource.open(server.export());
             NbdConnection connection = NbdConnection.open(server.export())) {
            assertFalse(connection.structuredReplies());
            assertEquals(java.util.Set.of(), connection.metaContexts());
            connection.write(MiB, ByteBuffer.wrap(data));
            assertArrayEquals(data, read(connection, MiB, MiB));
            assertEquals(List.of(new Extent(0, 4L * MiB)), source.dataExtents(0, 4L * MiB));
            assertThrows(NbdNegotiationException.class, () -> connection.blockStatus(BASE_ALLOCATION, 0, 4096));
            NbdException pastEnd = assertThrows(NbdException.class, () -> read(connection, 4L * MiB - 512, 4096));
            assertTrue(pastEnd.error() != 0);
            assertArrayEquals(data, read(connection, MiB, MiB), "usable after an error reply");
        }
    }

    @Test
    void readPastTheEndIsAnNbdExceptionWithTheErrorNumber() throws Exception {
        try (Nbdkit server = Nbdkit.unix(dir, "memory", "1M");
             NbdConnection connection = NbdConnection.open(server.export());
             NbdExportSource source = NbdExportSource.open(server.export())) {
            NbdException e = assertThrows(NbdException.class, () -> read(connection, MiB - 512, 4096));
            assertEquals(22, e.error(), e.getMessage());
            assertEquals("EINVAL", e.errorName());
            assertEquals("NBD_CMD_READ", e.command());
            assertEquals(MiB - 512, e.offset());
            assertTrue(connection.usable());
            assertEquals(4096, read(connection, 0, 4096).length);
            assertThrows(EOFException.class, () -> source.read(MiB - 512, ByteBuffer.allocate(4096)));
        }
    }

    @Test
    void anErrorChunkInAReadBecomesAnNbdException() throws Exception {
        try (Nbdkit server = Nbdkit.unix(dir, "--filter=error", "memory", "1M", "error-pread-rate=1",
                "error-pread=EIO");
             NbdConnection connection = NbdConnection.open(server.export())) {
            NbdException e = assertThrows(NbdException.class, () -> read(connection, 8192, 4096));
            assertEquals(5, e.error(), e.getMessage());
            assertEquals(8192, e.offset());
            assertEquals(4096, e.length());
            assertTrue(connection.usable());
        }
    }

    @Test
    void connectsOverTcp() throws Exception {
        // The pattern plugin stores each 8-byte-aligned offset, big-endian, at that offset.
        try (Nbdkit server = Nbdkit.tcp(dir, "pattern", "1M");
             NbdConnection connection = NbdConnection.open(server.export())) {
            ByteBuffer bytes = ByteBuffer.wrap(read(connection, 65536, 4096));
            for (long offset = 65536; offset < 65536 + 4096; offset += 8) {
                assertEquals(offset, bytes.getLong());
            }
        }
    }

    @Test
    void parallelReadsOverSeveralConnectionsMatchASequentialRead() throws Exception {
        long size = 32L * MiB;
        try (Nbdkit server = Nbdkit.unix(dir, "sparse-random", "32M", "seed=7");
             NbdConnection single = NbdConnection.open(server.export());
             NbdExportSource source = NbdExportSource.open(server.export(), 4, List.of())) {
            byte[] expected = read(single, 0, (int) size);
            byte[] actual = new byte[(int) size];
            int piece = 512 * 1024;
            try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<?>> reads = new java.util.ArrayList<>();
                for (int offset = 0; offset < size; offset += piece) {
                    int at = offset;
                    reads.add(executor.submit(() -> {
                        source.read(at, ByteBuffer.wrap(actual, at, piece));
                        return null;
                    }));
                }
                for (var read : reads) {
                    read.get();
                }
            }
            assertArrayEquals(expected, actual);
            assertTrue(source.connectionsOpened() > 1, "reads ran on several connections");
            assertTrue(source.connectionsOpened() <= 4);

            // Every byte outside the data extents reads as zero (the BlockSource contract).
            long cursor = 0;
            List<Extent> data = source.dataExtents(0, size);
            assertFalse(data.isEmpty());
            for (Extent extent : data) {
                for (long i = cursor; i < extent.offset(); i++) {
                    if (expected[(int) i] != 0) {
                        throw new AssertionError("non-zero byte at " + i + " outside the data extents");
                    }
                }
                cursor = extent.end();
            }
        }
    }

    @Test
    void askingForAContextTheServerLacksIsRefused() throws Exception {
        try (Nbdkit server = Nbdkit.unix(dir, "memory", "1M")) {
            NbdNegotiationException e = assertThrows(NbdNegotiationException.class, () -> NbdExportSource.open(
                    server.export(), 2, List.of(MetaContext.dirtyBitmap("nope"))));
            assertTrue(e.getMessage().contains("qemu:dirty-bitmap:nope"), e.getMessage());
        }
    }
}

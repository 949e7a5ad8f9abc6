package coffer.virt.nbd;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static coffer.virt.nbd.MetaContext.BASE_ALLOCATION;
import static coffer.virt.nbd.MetaContext.STATE_HOLE;
import static coffer.virt.nbd.MetaContext.STATE_ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coffer's NBD server against Coffer's NBD client: handshake, reads, holes, block status, read-only, damage. */
class NbdServerTest {
    private static final int KiB = 1024;
    private static final int MiB = 1 << 20;
    private static final int SIZE = 6 * MiB + 1000;

    @TempDir
    Path dir;

    /** 0-1 MiB text, 1-3 MiB hole, 3-4 MiB random, rest hole but the last 1000 bytes. */
    private static byte[] disk() {
        return new DiskImage(SIZE, 5).text(0, MiB).random(3L * MiB, MiB).random(6L * MiB, 1000).bytes();
    }

    private NbdServer serve(BlockSource source) throws IOException {
        return NbdServer.start(List.of(new NbdServer.Export("vda", source)), dir.resolve("nbd.sock"), null, 4);
    }

    private static byte[] read(NbdConnection connection, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        connection.read(offset, buffer);
        return buffer.array();
    }

    @Test
    void servesExactBytesHolesAndAllocationReadOnly() throws Exception {
        byte[] disk = disk();
        try (NbdServer server = serve(ByteArrayBlockSource.sparse(disk, 64 * KiB));
             NbdConnection connection = NbdConnection.open(server.unixExport("vda"))) {
            assertEquals(SIZE, connection.size());
            assertTrue(connection.readOnly());
            assertTrue(connection.canMultiConn());
            assertTrue(connection.structuredReplies());
            assertEquals(Set.of(BASE_ALLOCATION), connection.metaContexts());
            assertEquals(new BlockSize(1, 4096, 32 * MiB), connection.blockSize());
            assertArrayEquals(disk, read(connection, 0, SIZE));
            assertArrayEquals(Arrays.copyOfRange(disk, MiB - 7, 3 * MiB + 9), read(connection, MiB - 7, 2 * MiB + 16));
            assertEquals(List.of(new BlockStatusExtent(0, MiB, 0), new BlockStatusExtent(MiB, 2L * MiB, STATE_HOLE | STATE_ZERO),
                            new BlockStatusExtent(3L * MiB, MiB, 0), new BlockStatusExtent(4L * MiB, 2L * MiB, STATE_HOLE | STATE_ZERO),
                            new BlockStatusExtent(6L * MiB, 1000, 0)),
                    connection.blockStatus(BASE_ALLOCATION, 0, SIZE));
            NbdException write = assertThrows(NbdException.class, () -> connection.write(0, ByteBuffer.allocate(512)));
            assertEquals("EPERM", write.errorName());
            assertEquals("EPERM", assertThrows(NbdException.class, () -> connection.writeZeroes(0, 512)).errorName());
            assertEquals("EINVAL", assertThrows(NbdException.class, () -> read(connection, SIZE - 10, 11)).errorName());
            assertArrayEquals(Arrays.copyOfRange(disk, 0, 100), read(connection, 0, 100), "usable after errors");
        }
    }

    @Test
    void theOnlyExportIsAlsoTheDefaultAndUnknownNamesAreRefused() throws Exception {
        try (NbdServer server = serve(ByteArrayBlockSource.of(disk()))) {
            try (NbdConnection connection = NbdConnection.open(server.unixExport(""))) {
                assertEquals(SIZE, connection.size());
            }
            NbdNegotiationException e = assertThrows(NbdNegotiationException.class,
                    () -> NbdConnection.open(server.unixExport("vdb")));
            assertTrue(e.getMessage().contains("no export named 'vdb'"), e.getMessage());
        }
    }

    @Test
    void manyConnectionsReadInParallelAndCloseEndsThemAll() throws Exception {
        byte[] disk = disk();
        Path socket = dir.resolve("nbd.sock");
        NbdServer server = serve(ByteArrayBlockSource.of(disk));
        List<NbdConnection> connections = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                connections.add(NbdConnection.open(server.unixExport("vda")));
            }
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                NbdConnection connection = connections.get(i % 4);
                long offset = i * 150_000L;
                reads.add(pool.submit(() -> read(connection, offset, 200_000)));
            }
            for (int i = 0; i < 32; i++) {
                int offset = i * 150_000;
                assertArrayEquals(Arrays.copyOfRange(disk, offset, offset + 200_000), reads.get(i).get());
            }
            assertEquals(4, server.connections());
            try (NbdConnection fifth = NbdConnection.open(server.unixExport("vda"))) {
                throw new AssertionError("a fifth client is over the limit of 4, got " + fifth);
            } catch (IOException expected) {
                // hung up on during the handshake
            }
        } finally {
            server.close();
        }
        assertFalse(Files.exists(socket), "the socket file is removed");
        assertEquals(0, server.connections());
        for (NbdConnection connection : connections) {
            assertThrows(IOException.class, () -> read(connection, 0, 10));
            connection.close();
        }
    }

    @Test
    void servesLoopbackTcpWhenAskedAndRefusesOtherAddresses() throws Exception {
        byte[] disk = disk();
        try (NbdServer server = NbdServer.start(List.of(new NbdServer.Export("vda", ByteArrayBlockSource.of(disk))),
                dir.resolve("nbd.sock"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4)) {
            InetSocketAddress tcp = server.tcpAddress().orElseThrow();
            try (NbdConnection connection = NbdConnection.open(NbdExport.tcp(tcp.getHostString(), tcp.getPort(), "vda"))) {
                assertArrayEquals(Arrays.copyOfRange(disk, 3 * MiB, 4 * MiB), read(connection, 3L * MiB, MiB));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> NbdServer.start(
                List.of(new NbdServer.Export("vda", ByteArrayBlockSource.of(disk))), dir.resolve("other.sock"),
                new InetSocketAddress("0.0.0.0", 0), 4));
        assertFalse(Files.exists(dir.resolve("other.sock")));
    }

    @Test
    void aFailingReadIsEioNamingNothingAndLoggedWithTheSourcesMessage() throws Exception {
        byte[] disk = disk();
        BlockSource damaged = new Damaged(ByteArrayBlockSource.sparse(disk, 64 * KiB), new Extent(3L * MiB + 4096, 4096));
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (logged) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(NbdServer.class.getName());
        logger.addHandler(capture);
        try (NbdServer server = serve(damaged);
             NbdConnection connection = NbdConnection.open(server.unixExport("vda"))) {
            NbdException e = assertThrows(NbdException.class, () -> read(connection, 3L * MiB, 2 * MiB));
            assertEquals("EIO", e.errorName());
            assertFalse(e.serverMessage().contains("secret"), e.serverMessage());
            assertFalse(e.serverMessage().contains("chunks/"), e.serverMessage());
            assertEquals(1, server.readFailures());
            assertArrayEquals(Arrays.copyOfRange(disk, 0, MiB), read(connection, 0, MiB), "the connection stays usable");
            synchronized (logged) {
                assertEquals(1, logged.size());
                assertTrue(logged.getFirst().getMessage().contains("secret point P disk vda offset " + (3L * MiB + 4096)),
                        logged.getFirst().getMessage());
            }
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void blockStatusWithOneExtentAskedDescribesOnlyTheFirst() {
        ServerConnection.Descriptors one = new ServerConnection.Descriptors(1);
        one.add(4096, STATE_HOLE | STATE_ZERO);
        one.add(8192, 0);
        one.add(4096, STATE_HOLE | STATE_ZERO); // must not merge onto the first across the data left out
        ByteBuffer body = one.encode();
        assertEquals(12, body.remaining());
        assertEquals(ServerHandshake.BASE_ALLOCATION_ID, body.getInt());
        assertEquals(4096, body.getInt());
        assertEquals(STATE_HOLE | STATE_ZERO, body.getInt());
    }

    /** A source whose one range fails to read, as damaged vault data does. Thread-safe. */
    private record Damaged(BlockSource inner, Extent bad) implements BlockSource {
        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public List<Extent> dataExtents(long offset, long length) throws IOException {
            return inner.dataExtents(offset, length);
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            if (offset < bad.end() && offset + dst.remaining() > bad.offset()) {
                throw new IOException("corrupt: secret point P disk vda offset " + bad.offset());
            }
            inner.read(offset, dst);
        }

        @Override
        public String describe() {
            return "damaged test disk";
        }

        @Override
        public void close() {
        }
    }
}

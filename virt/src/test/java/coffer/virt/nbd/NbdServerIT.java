package coffer.virt.nbd;

import coffer.testing.DiskImage;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.vault.read.ChunkCache;
import coffer.vault.read.PointDiskSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point of an encrypted vault served by Coffer's NBD server and read by real NBD clients: {@code nbdinfo}
 * (handshake, flags, allocation map), {@code nbdcopy} over the Unix socket and over loopback TCP with several
 * connections, and {@code qemu-img} (QEMU's NBD client block driver); every copy's checksum equals the
 * original disk's. A damaged chunk makes the clients fail with an I/O error, never copy wrong data.
 */
class NbdServerIT {
    private static final int SIZE = 64 * CHUNK + 4096; // 16 MiB and a bit
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestVault vault;
    private PointManifest point;
    private byte[] disk;
    private Path original;
    private NbdServer server;

    @BeforeEach
    void serve() throws Exception {
        Environment.requireCommand("nbdinfo");
        Environment.requireCommand("nbdcopy");
        Environment.requireCommand("qemu-img");
        // data at 0-2 MiB, 5-6 MiB and the last chunk; the rest holes
        disk = new DiskImage(SIZE, 11).text(0, 8 * CHUNK).random(20L * CHUNK, 4 * CHUNK).random(64L * CHUNK - 100, 4196).bytes();
        original = dir.resolve("original.raw");
        Files.write(original, disk);
        vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir);
        point = vault.backup("vm", disk);
        server = start();
    }

    private NbdServer start() throws IOException {
        PointDiskSource source = PointDiskSource.open(vault.vault(), point, point.disk("vda"), new ChunkCache(4L * CHUNK));
        return NbdServer.start(List.of(new NbdServer.Export("vda", source)), dir.resolve("nbd.sock"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (vault != null) {
            vault.close();
        }
    }

    private String unixUri() {
        return "nbd+unix:///vda?socket=" + server.socket();
    }

    private String tcpUri() {
        InetSocketAddress tcp = server.tcpAddress().orElseThrow();
        return "nbd://" + tcp.getHostString() + ":" + tcp.getPort() + "/vda";
    }

    private record Run(int exitCode, String out) {
    }

    private static Run run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), out);
    }

    private static String mustRun(String... command) throws Exception {
        Run result = run(command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ":\n" + result.out());
        return result.out();
    }

    @Test
    void nbdinfoSeesAReadOnlyMultiConnExportWithItsAllocation() throws Exception {
        JsonNode info = JSON.readTree(mustRun("nbdinfo", "--json", unixUri()));
        JsonNode export = info.path("exports").get(0);
        assertEquals("vda", export.path("export-name").asText());
        assertEquals(SIZE, export.path("export-size").asLong());
        assertTrue(export.path("is_read_only").asBoolean(), info.toString());
        assertTrue(export.path("can_multi_conn").asBoolean(), info.toString());
        assertTrue(info.path("protocol").asText().contains("newstyle-fixed"), info.toString());
        assertTrue(export.path("contexts").toString().contains("base:allocation"), info.toString());

        List<String> map = new ArrayList<>();
        for (String line : mustRun("nbdinfo", "--map", unixUri()).strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            map.add(f[0] + " " + f[1] + " " + f[2]);
        }
        long mib = 1 << 20;
        assertEquals(List.of("0 " + 2 * mib + " 0", 2 * mib + " " + 3 * mib + " 3", 5 * mib + " " + mib + " 0",
                6 * mib + " " + (63L * CHUNK - 6 * mib) + " 3",
                (63L * CHUNK) + " " + (SIZE - 63L * CHUNK) + " 0"), map);

        assertTrue(mustRun("nbdinfo", "--list", "nbd+unix:///?socket=" + server.socket()).contains("vda"));
    }

    @Test
    void nbdcopyOverUnixAndTcpCopiesTheDiskExactly() throws Exception {
        String want = TestData.sha256(disk);
        Path unixCopy = dir.resolve("unix.raw");
        mustRun("nbdcopy", unixUri(), unixCopy.toString());
        assertEquals(want, TestData.sha256(unixCopy));
        Path tcpCopy = dir.resolve("tcp.raw");
        mustRun("nbdcopy", "--connections=4", "--requests=16", tcpUri(), tcpCopy.toString());
        assertEquals(want, TestData.sha256(tcpCopy));
        assertEquals(0, server.readFailures());
    }

    @Test
    void qemuImgReadsTheExportThroughQemusNbdClient() throws Exception {
        JsonNode info = JSON.readTree(mustRun("qemu-img", "info", "--output=json", unixUri()));
        assertEquals(SIZE, info.path("virtual-size").asLong());
        Path qcow2 = dir.resolve("copy.qcow2");
        mustRun("qemu-img", "convert", "-f", "raw", "-O", "qcow2", unixUri(), qcow2.toString());
        assertTrue(mustRun("qemu-img", "compare", "-f", "qcow2", "-F", "raw", qcow2.toString(), original.toString())
                .contains("identical"));
        mustRun("qemu-img", "compare", "-f", "raw", "-F", "raw", tcpUri(), original.toString());
        // QEMU's own map of the export, read through block status: the holes are holes.
        JsonNode map = JSON.readTree(mustRun("qemu-img", "map", "--output=json", "-f", "raw", unixUri()));
        assertTrue(map.get(1).path("zero").asBoolean() && !map.get(1).path("data").asBoolean(), map.toString());
        assertEquals(2L << 20, map.get(1).path("start").asLong(), map.toString());
    }

    @Test
    void aDamagedChunkIsAnIoErrorForTheClientNeverWrongData() throws Exception {
        String chunk = vault.index(point, "vda").get(21).objectName();
        ByteBuffer stored = vault.backend().get(chunk);
        byte[] bytes = new byte[stored.remaining()];
        stored.get(bytes);
        vault.backend().put(chunk, ByteBuffer.wrap(TestData.flipBit(bytes, 8L * (bytes.length / 2))));

        Path copy = dir.resolve("copy.raw");
        Run nbdcopy = run("nbdcopy", unixUri(), copy.toString());
        assertNotEquals(0, nbdcopy.exitCode(), nbdcopy.out());
        assertTrue(nbdcopy.out().contains("Input/output error"), nbdcopy.out());
        assertTrue(!nbdcopy.out().contains(chunk.substring(chunk.lastIndexOf('/') + 1, chunk.lastIndexOf('/') + 12)),
                "the client is told nothing of the vault: " + nbdcopy.out());
        Run qemuImg = run("qemu-img", "convert", "-f", "raw", "-O", "raw", unixUri(), dir.resolve("q.raw").toString());
        assertNotEquals(0, qemuImg.exitCode(), qemuImg.out());
        assertTrue(qemuImg.out().contains("Input/output error"), qemuImg.out());
        assertTrue(server.readFailures() >= 2);
    }

}

package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browsing and exporting a point's files through a real server and the command line, with the real test guest and a
 * libguestfs appliance (under TCG here: tens of seconds per command, docs/design/live-access.md): file systems and a
 * directory listed; a file and a directory exported as tar + zstd, downloaded whole, by ranges and resumed, all
 * bit-exact; archive names relative, a symbolic link stored as a link; an expired export refused and its archive
 * swept.
 */
class ExportCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    String url;
    Path tokenFile;
    Path keyRing;

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--token-file", tokenFile.toString()));
        return CliRun.run(keyRing, all.toArray(String[]::new));
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }

    @Test
    void browseExportDownloadWithRangesAndExpire() throws Exception {
        TestGuest.requireGuestSupport();
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libguestfs.so.0")), "libguestfs0 (Debian package)");
        TestGuest source = TestGuest.start(dir);
        toClose.add(source);
        byte[] known = TestData.random(29, 1_500_000);
        source.writeFile("/data/known.bin", known);
        source.shell("mkdir -p /data/dir && echo hello > /data/dir/note.txt && ln -s /etc/passwd /data/dir/abs && sync");

        TestDatabase db = TestDatabase.sqlite(dir);
        toClose.add(db);
        ServerConfig config = ServerCliIT.config(dir.resolve("data"), db);
        CofferServer server = CofferServer.start(config);
        toClose.add(server::close);
        url = server.url();
        tokenFile = config.adminTokenFile();
        keyRing = dir.resolve("keyring.json");
        String point = json(cli("backup", source.name(), "--wait", "--output", "json").ok()).path("point").asText();

        JsonNode filesystems = json(cli("files", "fs", point, "vdb", "--output", "json").ok());
        assertEquals("ext4", filesystems.path("filesystems").get(0).path("type").asText(), filesystems.toString());
        JsonNode listing = json(cli("files", "ls", point, "vdb", "/", "--output", "json").ok());
        Map<String, JsonNode> byName = new HashMap<>();
        listing.path("files").forEach(f -> byName.put(f.path("name").asText(), f));
        assertEquals(known.length, byName.get("known.bin").path("size").asLong(), listing.toString());
        assertEquals("DIRECTORY", byName.get("dir").path("type").asText());
        cli("files", "ls", point, "vdz").fails(4, "DiskNotInPoint");
        cli("export", point, "vdb", "relative/path").fails(2, "InvalidArgument");

        JsonNode made = json(cli("export", point, "vdb", "/known.bin", "/dir", "--wait", "--output", "json").ok());
        String export = made.path("export").asText();
        assertEquals(1, made.path("links").asLong(), made.toString());
        JsonNode records = json(cli("export", "list", "--output", "json").ok());
        assertEquals("available", records.path("exports").get(0).path("status").asText(), records.toString());

        // whole, by ranges, resumed: the same bytes, whose SHA-256 the export recorded
        Path whole = dir.resolve("whole.tar.zst");
        cli("export", "download", export, "--to", whole.toString()).ok();
        byte[] archive = Files.readAllBytes(whole);
        assertEquals(made.path("bytes").asLong(), archive.length);
        assertEquals(made.path("sha256").asText(), TestData.sha256(archive));
        cli("export", "download", export, "--to", whole.toString()).fails(2, "TargetExists");
        HttpClient http = HttpClient.newHttpClient();
        String token = Files.readString(tokenFile).trim();
        HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/exports/" + export + "/download"))
                .header("Authorization", "Bearer " + token).header("Range", "bytes=100-4195").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(archive, 100, 4196), range.body());
        HttpResponse<byte[]> tail = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/exports/" + export + "/download"))
                .header("Authorization", "Bearer " + token).header("Range", "bytes=-10").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, tail.statusCode());
        assertEquals("bytes " + (archive.length - 10) + "-" + (archive.length - 1) + "/" + archive.length,
                tail.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(archive, archive.length - 10, archive.length), tail.body());
        assertEquals(416, http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/exports/" + export + "/download"))
                .header("Authorization", "Bearer " + token).header("Range", "bytes=" + archive.length + "-").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        Path resumed = dir.resolve("resumed.tar.zst");
        Files.write(resumed, Arrays.copyOf(archive, 777));
        cli("export", "download", export, "--to", resumed.toString(), "--resume").ok();
        assertArrayEquals(archive, Files.readAllBytes(resumed));

        // the archive: relative names, contents as backed up, the link stored as a link to its own target
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        Map<String, byte[]> contents = new HashMap<>();
        try (InputStream in = new TarArchiveInputStream(new ZstdCompressorInputStream(Files.newInputStream(whole)))) {
            TarArchiveInputStream tar = (TarArchiveInputStream) in;
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                assertFalse(e.getName().startsWith("/") || e.getName().contains(".."), e.getName());
                entries.put(e.getName().replaceAll("/$", ""), e);
                contents.put(e.getName(), tar.readAllBytes());
            }
        }
        assertEquals(TestData.sha256(known), TestData.sha256(contents.get("known.bin")));
        assertEquals("hello\n", new String(contents.get("dir/note.txt")));
        assertTrue(entries.get("dir/abs").isSymbolicLink());
        assertEquals("/etc/passwd", entries.get("dir/abs").getLinkName());

        // an expired export: listed expired, refused for download, its archive swept
        JsonNode brief = json(cli("export", point, "vdb", "/dir/note.txt", "--expires", "1s", "--wait", "--output", "json").ok());
        String expired = brief.path("export").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode listed = json(cli("export", "list", "--output", "json").ok());
        while (!listed.path("exports").get(0).path("status").asText().equals("expired")) {
            assertTrue(System.nanoTime() < deadline, "the export expired: " + listed);
            Thread.sleep(200);
            listed = json(cli("export", "list", "--output", "json").ok());
        }
        assertEquals(expired, listed.path("exports").get(0).path("id").asText());
        cli("export", "download", expired, "--to", dir.resolve("late").toString()).fails(4, "ExportNotAvailable");
        Path archiveFile = config.dataDir().resolve("exports").resolve(expired + ".tar.zst");
        while (Files.exists(archiveFile)) {
            assertTrue(System.nanoTime() < deadline, "the expired archive was swept");
            Thread.sleep(500);
        }
        assertTrue(Files.exists(config.dataDir().resolve("exports").resolve(export + ".tar.zst")), "the other one stays");
    }
}

package coffer.cli;

import coffer.engine.instance.InstanceBackup;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static coffer.cli.GuestServer.await;
import static coffer.cli.GuestServer.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browsing and exporting a point's files through a real server and the command line, with the real test guest and a
 * libguestfs appliance (under TCG here: tens of seconds per boot, docs/design/live-access.md): file systems and a
 * directory listed, the second request reusing the first one's browsing session; a file and a directory exported as
 * tar + zstd, downloaded whole, by ranges and resumed, all bit-exact; archive names relative, a symbolic link stored
 * as a link; an expired export refused and its archive swept; an available export deleted (file gone, listed
 * {@code deleted}), a running one deleted (cancelled, partial archive gone); a server killed with {@code kill -9}
 * during an export: the next start reports it failed and leaves no partial archive, socket, appliance or lease. A file
 * searched across the instance's points ({@code files search}, a {@code file_search} job) with its checksum, its
 * refusals, and a search job cancelled while its appliance runs (the appliance stopped before the job ends).
 */
class ExportCliIT {
    @TempDir Path dir;
    GuestServer fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private CliRun cli(String... args) {
        return fx.cli(args);
    }

    @Test
    void browseExportDownloadWithRangesAndExpire() throws Exception {
        TestGuest.requireGuestSupport();
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libguestfs.so.0")), "libguestfs0 (Debian package)");
        // expired exports swept every second, not every 30 s: the one made with --expires 1s is listed expired at once
        fx = ShortPeriods.started("exportSweep=1", () -> GuestServer.start(dir));
        TestGuest source = fx.guest();
        byte[] known = TestData.random(29, 1_500_000);
        source.writeFile("/data/known.bin", known);
        source.shell("mkdir -p /data/dir && echo hello > /data/dir/note.txt && ln -s /etc/passwd /data/dir/abs && sync");

        ServerConfig config = fx.config();
        String url = fx.url();
        Path tokenFile = fx.tokenFile();
        String point = fx.backUp();

        // the first request boots the appliance; the second reuses the browsing session
        long start = System.nanoTime();
        JsonNode filesystems = json(cli("files", "fs", point, "vdb", "--output", "json").ok());
        long first = System.nanoTime() - start;
        assertEquals("ext4", filesystems.path("filesystems").get(0).path("type").asText(), filesystems.toString());
        start = System.nanoTime();
        JsonNode listing = json(cli("files", "ls", point, "vdb", "/", "--output", "json").ok());
        long later = System.nanoTime() - start;
        System.out.printf("ExportCliIT: 'files fs' %d ms (appliance boot), then 'files ls' %d ms (session reused)%n",
                first / 1_000_000, later / 1_000_000);
        assertEquals(1, fx.server().browsingSessions().size(), fx.server().browsingSessions().toString());
        assertEquals(2, fx.server().browsingSessions().getFirst().uses(), "the listing reused the session");
        Map<String, JsonNode> byName = new HashMap<>();
        listing.path("files").forEach(f -> byName.put(f.path("name").asText(), f));
        assertEquals(known.length, byName.get("known.bin").path("size").asLong(), listing.toString());
        assertEquals("DIRECTORY", byName.get("dir").path("type").asText());
        // a page at a time by name (docs/api.md, "Lists"): the pages of one entry hold the whole listing, in order
        List<String> names = new ArrayList<>();
        listing.path("files").forEach(f -> names.add(f.path("name").asText()));
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            List<String> args = new ArrayList<>(List.of("files", "ls", point, "vdb", "/", "--limit", "1", "--output", "json"));
            if (cursor != null) {
                args.addAll(List.of("--cursor", cursor));
            }
            JsonNode page = json(cli(args.toArray(String[]::new)).ok());
            assertEquals(1, page.path("count").asInt(), page.toString());
            page.path("files").forEach(f -> paged.add(f.path("name").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        } while (cursor != null);
        assertEquals(names, paged);
        assertTrue(listing.path("nextCursor").isNull(), "without --limit every page: " + listing);
        cli("files", "ls", point, "vdz").fails(4, "DiskNotInPoint");

        // a file's versions across the instance's points: a file_search job through the server, and its refusals
        String instance = source.name();
        JsonNode search = json(cli("files", "search", instance, "--name", "known.*", "--disk", "vdb", "--wait",
                "--output", "json").ok());
        assertEquals(1, search.path("pointsSearched").asInt(), search.toString());
        assertEquals(1, search.path("count").asInt(), search.toString());
        JsonNode found = search.path("matches").get(0);
        assertEquals(point, found.path("point").asText(), search.toString());
        assertEquals("/known.bin", found.path("path").asText());
        assertEquals(TestData.sha256(known), found.path("sha256").asText(), "the checksum is the file's SHA-256");
        assertEquals("new", found.path("change").asText());
        cli("files", "search", instance, "--name", "known.bin", "--disk", "vdz").fails(4, "DiskNotInPoint");
        cli("files", "search", "no-such-instance", "--name", "known.bin").fails(4, "InstanceNotFound");
        cli("files", "search", instance, "--name", "[known").fails(2, "InvalidArgument");
        // cancelled once its appliance runs: the job ends cancelled with that appliance stopped and its directory gone
        List<Long> qemuBefore = qemuChildren();
        List<Path> sessionsBefore = sessionDirectoriesOf(ProcessHandle.current().pid());
        String searching = json(cli("files", "search", instance, "--name", "*", "--output", "json").ok()).path("id").asText();
        List<Long> searchQemu = coffer.testing.Await.value(() -> {
            List<Long> started = new ArrayList<>(qemuChildren());
            started.removeAll(qemuBefore);
            return started.isEmpty() ? Optional.empty() : Optional.of(started);
        }, Duration.ofMinutes(5), "the search's appliance started");
        cli("job", "cancel", searching).ok();
        await(() -> fx.jobState(searching).equals("cancelled"), "the search job was cancelled");
        assertTrue(searchQemu.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                "the cancelled search's appliance is stopped before its job ends");
        assertEquals(sessionsBefore, sessionDirectoriesOf(ProcessHandle.current().pid()), "its runtime directory is removed");
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
        JsonNode listed = Await.value(() -> Optional.of(json(cli("export", "list", "--output", "json").ok()))
                .filter(l -> l.path("exports").get(0).path("status").asText().equals("expired")), Duration.ofSeconds(90),
                "the export listed expired");
        assertEquals(expired, listed.path("exports").get(0).path("id").asText());
        cli("export", "download", expired, "--to", dir.resolve("late").toString()).fails(4, "ExportNotAvailable");
        Path archiveFile = config.dataDir().resolve("exports").resolve(expired + ".tar.zst");
        await(() -> !Files.exists(archiveFile), "the expired archive swept");
        assertTrue(Files.exists(config.dataDir().resolve("exports").resolve(export + ".tar.zst")), "the other one stays");

        // an available export deleted before its expiry: its archive goes, it reads 'deleted', it downloads no more
        Path exports = config.dataDir().resolve("exports");
        JsonNode deleted = json(cli("export", "delete", export, "--output", "json").ok());
        assertEquals("deleted", deleted.path("status").asText(), deleted.toString());
        assertFalse(deleted.path("deletedAt").isNull(), deleted.toString());
        assertFalse(Files.exists(exports.resolve(export + ".tar.zst")), "the deleted archive is gone");
        assertEquals("deleted", recordOf(export).path("status").asText());
        cli("export", "download", export, "--to", dir.resolve("gone").toString()).fails(4, "ExportNotAvailable");
        cli("export", "delete", export).fails(4, "ExportNotAvailable");
        cli("export", "delete", "no-such-export").fails(4, "ExportNotAvailable");

        // a running export deleted: a fresh server boots a new appliance, the export is cancelled while it boots
        fx.restart();
        String running = json(cli("export", point, "vdb", "/known.bin", "--output", "json").ok()).path("id").asText();
        Path part = exports.resolve(running + ".tar.zst.part");
        await(() -> Files.exists(part), "the export started writing its archive");
        JsonNode cancelled = json(cli("export", "delete", running, "--output", "json").ok());
        assertEquals("cancelled", cancelled.path("status").asText(), cancelled.toString());
        await(() -> fx.jobState(running).equals("cancelled"), "the export job was cancelled");
        assertFalse(Files.exists(part), "the partial archive is removed");
        assertEquals("cancelled", recordOf(running).path("status").asText());
        await(() -> sessionDirectoriesOf(ProcessHandle.current().pid()).isEmpty(), "the cancelled export's session closed");

        // kill -9 of the server during an export: the next start fails it and removes what it left
        ServerProcess.Running process = fx.startProcess();
        String killed = json(cli("export", point, "vdb", "/known.bin", "/dir", "--output", "json").ok()).path("id").asText();
        Path killedPart = exports.resolve(killed + ".tar.zst.part");
        long pid = process.process().pid();
        await(() -> Files.exists(killedPart) && !sessionDirectoriesOf(pid).isEmpty(), "the export served the disk");
        List<Path> left = sessionDirectoriesOf(pid);
        process.process().destroyForcibly();
        assertTrue(process.process().waitFor(30, TimeUnit.SECONDS));
        await(() -> applianceOf(left.getFirst()).isEmpty(), "libguestfs's recovery process stopped the killed server's appliance");
        fx.restart();
        assertEquals(List.of(), sessionDirectoriesOf(pid), "the killed server's socket directory is removed at start");
        await(() -> !Files.exists(killedPart), "the partial archive is swept at start");
        assertEquals("failed", fx.jobState(killed));
        JsonNode record = recordOf(killed);
        assertEquals("failed", record.path("status").asText(), record.toString());
        assertTrue(record.path("error").asText().startsWith("WorkerLost"), record.toString());
        assertEquals(List.of(), fx.server().browsingSessions());
        cli("point", "delete", point).ok(); // no live lease is left on the point
    }

    private JsonNode recordOf(String id) throws IOException {
        for (JsonNode e : json(cli("export", "list", "--output", "json").ok()).path("exports")) {
            if (e.path("id").asText().equals(id)) {
                return e;
            }
        }
        throw new AssertionError("no export record " + id);
    }

    /** The browsing sessions' runtime directories owned by process {@code pid}. */
    private static List<Path> sessionDirectoriesOf(long pid) {
        Path root = InstanceBackup.defaultRuntimeRoot().resolve("files");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> {
                try {
                    return Files.readString(d.resolve("owner")).trim().equals(Long.toString(pid));
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The QEMU processes this JVM started (the in-process server's libguestfs appliances). */
    private static List<Long> qemuChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").contains("qemu-system")).map(ProcessHandle::pid).toList();
    }

    /** A process (the libguestfs appliance's QEMU) whose command line names {@code sessionDir}. */
    private static Optional<ProcessHandle> applianceOf(Path sessionDir) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).contains(sessionDir.toString());
            } catch (IOException e) {
                return false;
            }
        }).findFirst();
    }
}


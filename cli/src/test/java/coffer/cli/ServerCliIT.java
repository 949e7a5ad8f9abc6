package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static coffer.testing.TestData.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's "done when", on SQLite and on PostgreSQL, with a real libvirt domain: start the server,
 * protect the domain through the API, back it up with the CLI's --wait, list its point, restore it
 * (checksums compared), cancel a running backup (nothing left behind), kill -9 the server during a backup
 * and restart it (the job ends failed WorkerLost, the vault verifies, the next backup succeeds), and rebuild
 * a lost catalog from the vault.
 */
class ServerCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Random data on the raw disk: a backup of it takes seconds, long enough to cancel or kill. */
    private static final int RANDOM_MB = 768;
    private static final java.util.concurrent.atomic.AtomicLong SEEDS = new java.util.concurrent.atomic.AtomicLong(768);

    @TempDir Path dir;
    String domain;
    Path tokenFile;
    String url;
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void protectBackupRestoreCancelKillAndRebuild(String database) throws Exception {
        domain = resources.domain(dir, "coffer-srv-", "--formats", "qcow2,raw", "--size-mb", Integer.toString(RANDOM_MB));
        TestDatabase db = resources.closeLater(database.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres());
        run("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain, "--hmp",
                "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x6a 1M 2M\"");
        Path rawDisk = dir.resolve(domain + "-vdb.raw");
        randomize(rawDisk);
        String rawSha = sha256(rawDisk);

        Path dataDir = dir.resolve("data");
        ServerConfig config = config(dataDir, db);
        Path configFile = dir.resolve("server.yaml");
        Files.writeString(configFile, yaml(config));
        CofferServer server = resources.closeLater(CofferServer.start(config));
        url = server.url();
        tokenFile = config.adminTokenFile();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));

        // protect through the API (the CLI is its client), then a backup to completion with --wait
        cli("protection", "add", domain).ok();
        JsonNode protections = json(cli("protection", "list", "--output", "json").ok());
        assertTrue(protections.toString().contains(domain), protections.toString());
        CliRun backup = cli("backup", domain, "--wait", "--output", "json").ok();
        JsonNode result = JSON.readTree(backup.out());
        String point = result.path("point").asText();
        assertEquals("CRASH", result.path("consistency").asText(), backup.out());
        assertFalse(point.isEmpty(), backup.out());

        // assurance through the server: a verify job of its vault, its runs, drills, alerts and reclaim listed
        // the schedule's verify at start has ended (a second would be VerifyRunning)
        Await.until(() -> json(cli("job", "list", "--type", "verify", "--state", "succeeded", "--output", "json").ok())
                .path("count").asInt() >= 1, Duration.ofMinutes(1), "the verify job at the server's start to succeed");
        JsonNode verified = json(cli("vault", "verify", "--wait", "--output", "json").ok());
        assertEquals("FULL", verified.path("run").path("kind").asText(), verified.toString());
        assertTrue(verified.path("run").path("chunksChecked").asLong() > 0 && verified.path("damage").isEmpty(), verified.toString());
        assertTrue(cli("verify", "list").ok().out().contains("FULL verify of vault default"), "the text of a run");
        assertTrue(cli("vault", "verify", "some-point").fails(2, "InvalidArgument").err().contains("POINT is for offline commands"));
        assertTrue(cli("alert", "list").ok().out().contains("No change alerts."));
        assertTrue(cli("alert", "list", "--acknowledged").ok().out().contains("No change alerts."), "acknowledged ones too: none");
        assertTrue(cli("drill", "list", domain).ok().out().contains("never proven bootable"));
        assertEquals("default", json(cli("reclaim", "list", "--output", "json").ok()).path("vaults").get(0).path("vault").asText());

        JsonNode points = json(cli("point", "list", "--name", domain, "--output", "json").ok());
        assertEquals(1, points.path("count").asInt(), points.toString());
        JsonNode listed = points.path("points").get(0);
        assertEquals(point, listed.path("id").asText());
        assertEquals("CRASH", listed.path("consistency").asText());
        assertTrue(listed.path("logicalBytes").asLong() >= 2L * RANDOM_MB << 20, listed.toString());
        assertTrue(listed.path("storedBytes").asLong() >= (long) RANDOM_MB << 20, "random data does not shrink: " + listed);

        // restore both disks to new files and compare with what the domain held
        Path vda = dir.resolve("vda.raw");
        Path vdb = dir.resolve("vdb.raw");
        cli("restore", "disk", point, "vda", "--to", vda.toString(), "--format", "raw", "--wait").ok();
        cli("restore", "disk", point, "vdb", "--to", vdb.toString(), "--format", "raw", "--wait").ok();
        // all of vda: zeros but for the 2 MiB at 1 MiB the guest wrote with 0x6a (the whole file, not its head)
        assertEquals((long) RANDOM_MB << 20, Files.size(vda));
        assertEquals(sha256OfZerosWith((long) RANDOM_MB << 20, 1 << 20, 2 << 20, (byte) 0x6a), sha256(vda),
                "the qcow2 disk restored bit for bit");
        assertEquals(rawSha, sha256(vdb), "the raw disk restored bit for bit");

        // the whole instance as a new domain (a job too), and capacity per vault, instance and disk
        String restoredDomain = resources.restored(domain + "-restored");
        cli("restore", "instance", point, "--name", restoredDomain, "--wait").ok();
        assertTrue(run("virsh", "-c", "qemu:///system", "dominfo", restoredDomain).startsWith("ok"), "the new domain is defined");
        JsonNode capacity = json(cli("capacity", "--output", "json").ok());
        assertEquals(listed.path("storedBytes").asLong(), capacity.path("vaults").get(0).path("storedBytes").asLong(), capacity.toString());
        assertEquals(listed.path("logicalBytes").asLong(), capacity.path("instances").get(0).path("logicalBytes").asLong());
        assertEquals(2, capacity.path("disks").size(), capacity.toString());

        // cancel a running backup: it ends cancelled, and nothing is left behind. The raw disk gets fresh random
        // data first, so the backup has to store it and takes seconds; a backup that still ended before the
        // cancel reached it is tried again (a succeeded point then counts, a cancelled one must not)
        int pointsBefore = json(cli("point", "list", "--name", domain, "--output", "json").ok()).path("count").asInt();
        String cancelJob = null;
        for (int attempt = 0; attempt < 3 && cancelJob == null; attempt++) {
            randomize(rawDisk);
            String id = json(cli("backup", domain, "--output", "json").ok()).path("id").asText();
            if (!awaitProgress(id)) {
                pointsBefore++;
                continue;
            }
            JsonNode cancelled = json(cli("job", "cancel", id, "--wait", "--output", "json").ok());
            if (cancelled.path("state").asText().equals("succeeded")) {
                pointsBefore++;
                continue;
            }
            assertEquals("cancelled", cancelled.path("state").asText(), cancelled.toString());
            assertEquals("Cancelled", cancelled.path("error").path("code").asText(), cancelled.toString());
            cancelJob = id;
        }
        assertTrue(cancelJob != null, "a backup was cancelled while it ran");
        assertNothingLeftBehind();
        assertEquals(pointsBefore, json(cli("point", "list", "--name", domain, "--output", "json").ok()).path("count").asInt());
        cli("job", "show", cancelJob).ok();
        cli("job", "cancel", cancelJob).fails(2, "JobFinished");

        // kill -9 the server during a backup: after the restart the job is failed, never left running
        resources.closeNow(server);
        ServerProcess.Running running = ServerProcess.start(configFile);
        Process process = running.process();
        try {
            url = running.url();
            randomize(rawDisk);
            String killedJob = json(cli("backup", domain, "--output", "json").ok()).path("id").asText();
            assertTrue(awaitProgress(killedJob), "the backup to kill is running");
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        server = resources.closeLater(CofferServer.start(config));
        url = server.url();
        JsonNode failed = json(cli("job", "list", "--state", "failed", "--output", "json").ok());
        assertEquals(1, failed.path("count").asInt(), failed.toString());
        assertEquals("WorkerLost", failed.path("jobs").get(0).path("error").path("code").asText(), failed.toString());
        assertEquals(0, json(cli("job", "list", "--state", "running", "--output", "json").ok()).path("count").asInt());
        CliRun.run(config.vaults().getFirst().keyring(), "vault", "verify", "--vault", config.vaults().getFirst().path().toString()).ok();
        JsonNode second = JSON.readTree(cli("backup", domain, "--wait", "--output", "json").ok().out());
        assertFalse(second.path("point").asText().isEmpty(), second.toString());
        assertNothingLeftBehind();

        // the catalog is an index: a lost one is rebuilt from the vault with every point
        JsonNode before = json(cli("point", "list", "--output", "json").ok());
        assertEquals(pointsBefore + 1, before.path("count").asInt(), before.toString());
        resources.closeNow(server);
        TestDatabase fresh = resources.closeLater(database.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres());
        ServerConfig lost = config(dataDir, fresh);
        Files.delete(lost.adminTokenFile()); // a new catalog makes a new admin token
        server = resources.closeLater(CofferServer.start(lost));
        url = server.url();
        assertEquals(0, json(cli("point", "list", "--output", "json").ok()).path("count").asInt());
        cli("catalog", "rebuild").ok();
        JsonNode after = json(cli("point", "list", "--output", "json").ok());
        assertEquals(ids(before), ids(after));
        for (int i = 0; i < before.path("points").size(); i++) {
            JsonNode b = before.path("points").get(i);
            JsonNode a = after.path("points").get(i);
            for (String field : new String[]{"createdAt", "logicalBytes", "storedBytes", "consistency", "instanceName"}) {
                assertEquals(b.path(field), a.path(field), field + " of " + b.path("id"));
            }
        }
    }

    /** True once the job runs and has read data; false if it ended first. */
    private boolean awaitProgress(String job) throws Exception {
        // a short pause between looks: the running state is caught before the backup ends
        return Await.value(() -> {
            JsonNode j = json(cli("job", "show", job, "--output", "json").ok());
            if (j.path("state").asText().equals("running") && j.path("progress").path("bytesDone").asLong() > 0) {
                return Optional.of(true);
            }
            if (coffer.engine.job.JobState.valueOf(j.path("state").asText()).isFinal()) {
                assertEquals("succeeded", j.path("state").asText(), j.toString());
                return Optional.of(false);
            }
            return Optional.empty();
        }, Duration.ofMinutes(2), Duration.ofMillis(20), () -> "job " + job + " to run and read data");
    }

    /** Fresh random data over the whole raw disk (another seed each time: the next backup has to store all of it). */
    private static void randomize(Path rawDisk) throws Exception {
        coffer.testing.TestData.overwriteRandom(rawDisk, (long) RANDOM_MB << 20, SEEDS.incrementAndGet());
    }

    private void assertNothingLeftBehind() throws Exception {
        String jobInfo = run("virsh", "-c", "qemu:///system", "domjobinfo", domain);
        assertTrue(jobInfo.contains("None"), "no libvirt job left: " + jobInfo);
        Path runtime = coffer.engine.instance.InstanceBackup.defaultRuntimeRoot();
        if (Files.isDirectory(runtime)) {
            try (var entries = Files.list(runtime)) {
                String prefix = run("virsh", "-c", "qemu:///system", "domuuid", domain).substring(3).strip().substring(0, 8);
                List<Path> left = entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
                assertTrue(left.isEmpty(), "runtime files left: " + left);
            }
        }
    }

    private static List<String> ids(JsonNode points) {
        List<String> ids = new ArrayList<>();
        points.path("points").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    private CliRun cli(String... args) {
        return CliRun.through(url, tokenFile, args);
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }

    static ServerConfig config(Path dataDir, TestDatabase db) {
        return new ServerConfig(dataDir, "127.0.0.1", 0, null, db.config(),
                List.of(new ServerConfig.VaultEntry("default", dataDir.resolve("vault"), dataDir.resolve("keyring"), true)),
                List.of(new ServerConfig.HostEntry("local", "qemu:///system")), ServerConfig.Limits.DEFAULT);
    }

    private static String yaml(ServerConfig c) {
        return "dataDir: " + c.dataDir() + "\nlisten: {address: 127.0.0.1, port: 0}\n"
                + "catalog: {url: \"" + c.catalog().jdbcUrl() + "\"}\n";
    }

    /** SHA-256 of {@code size} zero bytes but for {@code length} bytes of {@code pattern} at {@code offset}. */
    static String sha256OfZerosWith(long size, long offset, long length, byte pattern) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] zeros = new byte[1 << 20];
        byte[] filled = new byte[1 << 20];
        java.util.Arrays.fill(filled, pattern);
        for (long at = 0; at < size; ) {
            boolean inside = at >= offset && at < offset + length;
            long end = Math.min(size, inside ? offset + length : at < offset ? offset : size);
            int n = (int) Math.min(end - at, zeros.length);
            digest.update(inside ? filled : zeros, 0, n);
            at += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return (p.waitFor() == 0 ? "ok " : "failed ") + out;
    }
}

package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mounts through a real server and the real command line, with two real test guests: a point of one guest's data disk
 * mounted into the other running guest, which reads the backed-up file (checksum); each refusal with its code; the
 * served point refused deletion; unmount, expiry and server stop each take the disk out; a server killed with
 * {@code kill -9} while a mount is up and an instant restore copies leaves a disk reading a dead socket and an instance
 * reading a dead export: the next start detaches the disk and removes the instance with its overlays, and reports.
 */
class MountCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    TestGuest source;
    TestGuest target;
    String url;
    Path tokenFile;
    Path keyRing;

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the next closes must still run
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
    void mountReadUnmountExpireStopAndKill() throws Exception {
        TestGuest.requireGuestSupport();
        source = TestGuest.start(dir);
        toClose.add(source);
        target = TestGuest.start(dir);
        toClose.add(target);
        TestGuest stopped = TestGuest.define(dir, true);
        toClose.add(stopped);
        byte[] known = TestData.random(23, 400_000);
        source.writeFile("/data/known.bin", known);
        source.shell("sync");

        TestDatabase db = TestDatabase.sqlite(dir);
        toClose.add(db);
        ServerConfig config = ServerCliIT.config(dir.resolve("data"), db);
        Path configFile = dir.resolve("server.yaml");
        Files.writeString(configFile, "dataDir: " + config.dataDir() + "\nlisten: {address: 127.0.0.1, port: 0}\n"
                + "catalog: {url: \"" + config.catalog().jdbcUrl() + "\"}\n");
        CofferServer server = CofferServer.start(config);
        toClose.add(server::close);
        url = server.url();
        tokenFile = config.adminTokenFile();
        keyRing = dir.resolve("keyring.json");

        String point = json(cli("backup", source.name(), "--wait", "--output", "json").ok()).path("point").asText();
        source.shell("rm /data/known.bin && sync"); // the guest's copy changes after the point: the mount shows the point
        source.close(); // an instant restore of it below writes the same console log file: only one of them can run

        // each refusal with its code
        cli("mount", point, "vdz", "--instance", target.name()).fails(4, "DiskNotInPoint");
        cli("mount", point, "vdb", "--instance", "no-such-instance").fails(4, "InstanceNotFound");
        cli("mount", point, "vdb", "--instance", target.name(), "--expires", "40d").fails(2, "InvalidArgument");
        cli("mount", point, "vdb", "--instance", stopped.name()).fails(2, "InstanceNotRunning");
        cli("unmount", "no-such-mount").fails(4, "MountNotFound");

        // mounted: the guest reads the backed-up file through the point's disk
        Instant before = Instant.now();
        JsonNode mount = json(cli("mount", point, "vdb", "--instance", target.name(), "--expires", "1h", "--output", "json").ok());
        System.out.printf("MountCliIT: 'coffer mount' returned attached after %d ms%n", Duration.between(before, Instant.now()).toMillis());
        String mountId = mount.path("id").asText();
        assertEquals("vdc", mount.path("target").asText(), mount.toString());
        Instant expires = Instant.parse(mount.path("expiresAt").asText());
        assertTrue(!expires.isBefore(before.plus(Duration.ofHours(1)).minusSeconds(1))
                && expires.isBefore(Instant.now().plus(Duration.ofHours(1)).plusSeconds(1)), "expires in 1 h: " + expires);
        awaitInGuest(target, "test -b /dev/vdc");
        assertEquals("1", target.shell("cat /sys/block/vdc/ro").trim(), "a read-only disk");
        target.shell("mkdir -p /mnt/point && mount -t ext4 -o ro,noload /dev/vdc /mnt/point"); // a crash-consistent point: no journal replay on a read-only disk
        assertEquals(TestData.sha256(known), target.sha256("/mnt/point/known.bin"));
        target.shell("umount /mnt/point");
        JsonNode listed = json(cli("mount", "list", "--output", "json").ok());
        assertEquals(1, listed.path("count").asInt(), listed.toString());
        assertEquals(mountId, listed.path("mounts").get(0).path("id").asText());
        assertEquals(target.name(), listed.path("mounts").get(0).path("instance").asText());
        cli("mount", point, "vdb", "--instance", target.name()).fails(2, "AlreadyMounted");
        CliRun refused = cli("point", "delete", point).fails(2, "PointInUse");
        assertTrue(refused.err().contains("mount of vdb into " + target.name()), refused.err());

        // unmount: the disk leaves the instance, the mount job ends cancelled, the point can be deleted again later
        JsonNode unmounted = json(cli("unmount", mountId, "--wait", "--output", "json").ok());
        assertEquals("vdc", unmounted.path("target").asText(), unmounted.toString());
        assertNoMountIn(target);
        awaitInGuest(target, "test ! -e /dev/vdc");
        assertEquals("cancelled", json(cli("job", "show", mountId, "--output", "json").ok()).path("state").asText());
        assertEquals(0, json(cli("mount", "list", "--output", "json").ok()).path("count").asInt());
        assertEquals("UNMOUNTED", json(cli("mount", "list", "--all", "--output", "json").ok()).path("mounts").get(0)
                .path("endReason").asText());

        // expiry: the mount job ends by itself, succeeded, and the disk is gone
        String expiring = json(cli("mount", point, "vdb", "--instance", target.name(), "--expires", "3s", "--output", "json")
                .ok()).path("id").asText();
        await(() -> jobState(expiring).equals("succeeded"), "the mount expired");
        assertEquals("EXPIRED", json(cli("job", "show", expiring, "--output", "json").ok()).path("result").path("ended").asText());
        assertNoMountIn(target);

        // server stop: its mounts are taken out
        String stopping = json(cli("mount", point, "vdb", "--instance", target.name(), "--output", "json").ok()).path("id").asText();
        server.close();
        toClose.remove(toClose.size() - 1);
        assertNoMountIn(target);

        // kill -9 of the serving process: the disk stays, reading a dead socket, until the next start detaches it
        ServerProcess.Running running = ServerProcess.start(configFile);
        Process process = running.process();
        String killed;
        String instant = "coffer-it-instant-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Path restores = config.dataDir().resolve("restores");
        try {
            url = running.url();
            assertEquals("SERVER_STOPPED", mountOf(stopping).path("endReason").asText());
            killed = json(cli("mount", point, "vdb", "--instance", target.name(), "--output", "json").ok()).path("id").asText();
            // an instant restore copying slowly: killed before its copy completes, its instance must not survive
            toClose.add(() -> {
                virsh("destroy", instant);
                virsh("undefine", instant);
            });
            cli("restore", "instance", point, "--instant", "--name", instant, "--dir", restores.toString(), "--copy-speed",
                    "65536").ok();
            await(() -> virsh("domstate", instant).trim().equals("running"), "the instant restore's instance runs");
            assertFalse(listFiles(restores).isEmpty(), "its overlays");
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        assertTrue(virsh("dumpxml", target.name()).contains("/mounts/" + killed + "/nbd.sock"),
                "the killed server's disk is still attached");
        server = CofferServer.start(config);
        toClose.add(server::close);
        url = server.url();
        assertNoMountIn(target);
        assertTrue(virsh("dominfo", instant).contains("failed to get domain"), "the dead instant restore's instance is gone");
        assertEquals(List.of(), listFiles(restores), "and its overlays");
        JsonNode stale = mountOf(killed);
        assertEquals("STALE", stale.path("endReason").asText(), stale.toString());
        assertTrue(json(cli("job", "log", killed, "--output", "json").ok()).toString().contains("stale mount"));
        assertEquals(0, json(cli("mount", "list", "--output", "json").ok()).path("count").asInt());
        cli("point", "delete", point).ok(); // no lease is left: the killed server's is stale
    }

    private static List<Path> listFiles(Path directory) {
        try (var files = Files.list(directory)) {
            return files.toList();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode mountOf(String id) throws Exception {
        for (JsonNode m : json(cli("mount", "list", "--all", "--output", "json").ok()).path("mounts")) {
            if (m.path("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no mount " + id);
    }

    private String jobState(String id) {
        try {
            return json(cli("job", "show", id, "--output", "json").ok()).path("state").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The instance's live definition reads no NBD socket of Coffer's. */
    private void assertNoMountIn(TestGuest guest) {
        String xml = virsh("dumpxml", guest.name());
        assertFalse(xml.contains("/mounts/"), "no mount left in " + guest.name() + ": " + xml);
    }

    private static String virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(300);
        }
    }

    private static void awaitInGuest(TestGuest guest, String condition) throws InterruptedException {
        await(() -> guest.exec("/bin/sh", "-c", condition).exitCode() == 0, "'" + condition + "' in " + guest.name());
    }
}

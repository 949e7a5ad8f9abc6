package coffer.cli;

import coffer.server.config.ServerConfig;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static coffer.cli.GuestServer.await;
import static coffer.cli.GuestServer.json;
import static coffer.cli.GuestServer.virsh;
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
    void mountReadUnmountExpireStopAndKill() throws Exception {
        fx = GuestServer.start(dir);
        TestGuest source = fx.guest();
        TestGuest target = TestGuest.start(dir);
        fx.closeLater(target);
        TestGuest stopped = TestGuest.define(dir, true);
        fx.closeLater(stopped);
        byte[] known = TestData.random(23, 400_000);
        source.writeFile("/data/known.bin", known);
        source.shell("sync");
        ServerConfig config = fx.config();
        // the instances are refreshed from libvirt when the server starts: the target guest was defined after
        fx.restart();

        String point = fx.backUp();
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
        await(() -> fx.jobState(expiring).equals("succeeded"), "the mount expired");
        assertEquals("EXPIRED", json(cli("job", "show", expiring, "--output", "json").ok()).path("result").path("ended").asText());
        assertNoMountIn(target);

        // server stop: its mounts are taken out
        String stopping = json(cli("mount", point, "vdb", "--instance", target.name(), "--output", "json").ok()).path("id").asText();
        fx.stop();
        assertNoMountIn(target);

        // kill -9 of the serving process: the disk stays, reading a dead socket, until the next start detaches it
        ServerProcess.Running running = fx.startProcess();
        Process process = running.process();
        String killed;
        String instant = "coffer-it-instant-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Path restores = config.dataDir().resolve("restores");
        try {
            assertEquals("SERVER_STOPPED", mountOf(stopping).path("endReason").asText());
            killed = json(cli("mount", point, "vdb", "--instance", target.name(), "--output", "json").ok()).path("id").asText();
            // an instant restore copying slowly: killed before its copy completes, its instance must not survive
            fx.closeLater(() -> {
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
        fx.restart();
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

    /** The instance's live definition reads no NBD socket of Coffer's. */
    private void assertNoMountIn(TestGuest guest) {
        String xml = virsh("dumpxml", guest.name());
        assertFalse(xml.contains("/mounts/"), "no mount left in " + guest.name() + ": " + xml);
    }

    private static void awaitInGuest(TestGuest guest, String condition) throws InterruptedException {
        await(() -> guest.exec("/bin/sh", "-c", condition).exitCode() == 0, "'" + condition + "' in " + guest.name());
    }
}

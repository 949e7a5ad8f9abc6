package coffer.cli;

import coffer.engine.instance.InstanceBackup;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static coffer.cli.GuestServer.json;
import static coffer.cli.GuestServer.virsh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mount on an agent's host runs on the agent (docs/design/agents.md, "Which jobs an agent runs"): two {@code coffer
 * server} processes on one PostgreSQL catalog, a {@code coffer agent} process for the host, two real test guests. A
 * point of one guest's data disk, written by the agent's backup, is mounted with {@code coffer mount} into the other
 * running guest: the mount job starts on the agent, the guest reads the backed-up file (checksum), {@code coffer mount
 * list} through the other server shows it, the served point is refused deletion; {@code coffer unmount} (through the
 * other server) reaches the agent, the disk leaves the guest, no NBD socket is left, and the point can be deleted. A
 * short mount expires on the agent by itself; an instant restore of the point runs on the agent and its instance reads
 * the backed-up file; a mount of an agent stopped (SIGTERM) is detached, its row ended {@code SERVER_STOPPED}; one left
 * up by an agent killed with {@code kill -9} is detached by the agent's next start and its row ended {@code STALE}.
 */
@Tag("own-jvm") // with the other agent ITs, in a JVM of their own (cli/pom.xml)
class AgentMountIT {
    @TempDir Path dir;
    AgentCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMountOnTheAgentsHostIsServedByTheAgent() throws Exception {
        TestGuest.requireGuestSupport();
        cluster = new AgentCluster(dir);
        TestGuest source = cluster.closeLater(TestGuest.start(Files.createDirectories(dir.resolve("source"))));
        TestGuest target = cluster.closeLater(TestGuest.start(Files.createDirectories(dir.resolve("target"))));
        byte[] known = TestData.random(29, 300_000);
        source.writeFile("/data/known.bin", known);
        source.shell("sync");

        Path configA = cluster.config("a", dir.resolve("vault"), dir.resolve("keyring"));
        Path configB = cluster.config("b", dir.resolve("vault"), dir.resolve("keyring"));
        ServerProcess.Running a = cluster.server(configA);
        ServerProcess.Running b = cluster.server(configB);
        String admin = cluster.admin();
        Path adminFile = dir.resolve("admin.token");
        Files.writeString(adminFile, admin);
        AgentCluster.Agent agent = cluster.startAgent(a.url() + "," + b.url(), cluster.agentToken(), configA);
        String point = cluster.agentJob(a.url(), admin, agent.worker(), "/api/v1/instances/" + source.name() + "/backups",
                "{}").path("result").path("point").asText();

        // mounted through a, on the agent: the guest reads the backed-up file
        JsonNode mount = json(cli(a.url(), adminFile, "mount", point, "vdb", "--instance", target.name(), "--expires", "1h",
                "--output", "json").ok());
        String mountId = mount.path("id").asText();
        assertTrue(cluster.ranOn(a.url(), admin, mountId, agent.worker()), "the mount job runs on the agent");
        String device = mount.path("target").asText();
        assertTrue(device.startsWith("vd"), mount.toString());
        awaitInGuest(target, "test -b /dev/" + device);
        assertEquals("1", target.shell("cat /sys/block/" + device + "/ro").trim(), "a read-only disk");
        target.shell("mkdir -p /mnt/point && mount -t ext4 -o ro,noload /dev/" + device + " /mnt/point");
        assertEquals(TestData.sha256(known), target.sha256("/mnt/point/known.bin"), "the guest reads the point's file");
        target.shell("umount /mnt/point");
        Path socketDir = InstanceBackup.defaultRuntimeRoot().resolve("mounts").resolve(mountId);
        assertTrue(Files.exists(socketDir.resolve("nbd.sock")), "the agent serves the export on " + socketDir);

        JsonNode listed = json(cli(b.url(), adminFile, "mount", "list", "--output", "json").ok());
        assertEquals(1, listed.path("count").asInt(), listed.toString());
        assertEquals(mountId, listed.path("mounts").get(0).path("id").asText(), listed.toString());
        assertEquals(device, listed.path("mounts").get(0).path("target").asText(), listed.toString());
        cli(b.url(), adminFile, "point", "delete", point).fails(2, "PointInUse");

        // unmounted through b: the cancel reaches the agent, which detaches and ends the mount
        JsonNode unmounted = json(cli(b.url(), adminFile, "unmount", mountId, "--wait", "--output", "json").ok());
        assertEquals(device, unmounted.path("target").asText(), unmounted.toString());
        assertNoMountIn(target);
        awaitInGuest(target, "test ! -e /dev/" + device);
        assertEquals("cancelled", cluster.awaitEnd(b.url(), admin, mountId).path("state").asText());
        assertFalse(Files.exists(socketDir), "no NBD socket left: " + socketDir);
        assertEquals(0, json(cli(b.url(), adminFile, "mount", "list", "--output", "json").ok()).path("count").asInt());
        assertEquals("UNMOUNTED", mountOf(b.url(), adminFile, mountId).path("endReason").asText());

        // expiry on the agent: the job ends by itself, succeeded, and the disk is gone
        String expiring = json(cli(a.url(), adminFile, "mount", point, "vdb", "--instance", target.name(), "--expires", "3s",
                "--output", "json").ok()).path("id").asText();
        JsonNode expired = cluster.awaitEnd(a.url(), admin, expiring);
        assertEquals("succeeded", expired.path("state").asText(), expired.toString());
        assertEquals("EXPIRED", expired.path("result").path("ended").asText(), expired.toString());
        assertEquals("EXPIRED", mountOf(a.url(), adminFile, expiring).path("endReason").asText());
        assertNoMountIn(target);

        // an instant restore on the agent: the new instance starts on the agent's export of the point, is copied to local
        // files, and reads the backed-up file
        source.close(); // the restored instance writes the same console log file: only one of them can run
        String instant = "coffer-it-instant-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        TestGuest restored = cluster.closeLater(TestGuest.existing(instant, dir.resolve("source")));
        Path instantDir = Files.createDirectories(cluster.restores().resolve("instant"));
        String restoreJob = cluster.post(b.url() + "/api/v1/points/" + point + "/instant-restore", admin,
                "{\"name\": \"" + instant + "\", \"dir\": \"" + instantDir + "\"}").path("id").asText();
        cluster.awaitStartedOn(b.url(), admin, restoreJob, agent.worker(), "the instant restore started on the agent");
        JsonNode restoredEnd = cluster.awaitEnd(b.url(), admin, restoreJob);
        assertEquals("succeeded", restoredEnd.path("state").asText(), restoredEnd + "\nagent output: " + cluster.agentOutput());
        System.out.println("instant restore on the agent: " + restoredEnd.path("result"));
        assertFalse(virsh("dumpxml", instant).contains("nbd"), "the instance runs from local files only");
        restored.awaitAgent(java.time.Duration.ofSeconds(180));
        assertEquals(TestData.sha256(known), restored.sha256("/data/known.bin"), "the restored instance reads the file");

        // the agent stopped (SIGTERM) under a mount: it detaches the disk, and the row ends SERVER_STOPPED
        String stopping = json(cli(a.url(), adminFile, "mount", point, "vdb", "--instance", target.name(), "--output", "json")
                .ok()).path("id").asText();
        agent.process().destroy();
        assertTrue(agent.process().waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "the agent stopped");
        assertEquals("cancelled", cluster.awaitEnd(a.url(), admin, stopping).path("state").asText());
        assertEquals("SERVER_STOPPED", mountOf(b.url(), adminFile, stopping).path("endReason").asText());
        assertNoMountIn(target);
        agent = cluster.startAgent(a.url() + "," + b.url(), cluster.agentToken(), configA);

        // an agent killed (-9) under a mount leaves the disk attached; its next start detaches it, the row ends STALE
        String killed = json(cli(a.url(), adminFile, "mount", point, "vdb", "--instance", target.name(), "--output", "json")
                .ok()).path("id").asText();
        agent.process().destroyForcibly().waitFor();
        assertTrue(virsh("dumpxml", target.name()).contains("/mounts/" + killed + "/nbd.sock"),
                "the killed agent's disk is still attached");
        assertEquals("failed", cluster.awaitEnd(a.url(), admin, killed).path("state").asText(), "its job is found lost");
        cluster.startAgent(a.url() + "," + b.url(), cluster.agentToken(), configA);
        AgentCluster.await(() -> virsh("dumpxml", target.name()).contains("/mounts/") ? Optional.empty() : Optional.of(true),
                "the agent's start detaches the dead mount");
        AgentCluster.await(() -> Optional.of(mountOf(b.url(), adminFile, killed))
                .filter(m -> m.path("endReason").asText().equals("STALE")), "the dead mount's row ended STALE");
        assertFalse(Files.exists(InstanceBackup.defaultRuntimeRoot().resolve("mounts").resolve(killed)),
                "its directory is removed");
        assertEquals(0, json(cli(b.url(), adminFile, "mount", "list", "--output", "json").ok()).path("count").asInt());
        cli(b.url(), adminFile, "point", "delete", point).ok(); // no lease left: the killed agent's is stale
    }

    private CliRun cli(String url, Path tokenFile, String... args) {
        return CliRun.through(url, tokenFile, args);
    }

    private JsonNode mountOf(String url, Path tokenFile, String id) throws Exception {
        for (JsonNode m : json(cli(url, tokenFile, "mount", "list", "--all", "--output", "json").ok()).path("mounts")) {
            if (m.path("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no mount " + id);
    }

    /** The instance's live definition reads no NBD socket of Coffer's. */
    private static void assertNoMountIn(TestGuest guest) {
        String xml = virsh("dumpxml", guest.name());
        assertFalse(xml.contains("/mounts/"), "no mount left in " + guest.name() + ": " + xml);
    }

    private static void awaitInGuest(TestGuest guest, String condition) throws InterruptedException {
        GuestServer.await(() -> guest.exec("/bin/sh", "-c", condition).exitCode() == 0,
                "'" + condition + "' in " + guest.name());
    }
}

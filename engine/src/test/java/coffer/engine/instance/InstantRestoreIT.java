package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import coffer.virt.image.ImageFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Instant restore of the real test guest: the new instance boots from overlays backed by the point's NBD export
 * and answers its agent while its data is still being copied (the copy is throttled so it cannot finish first);
 * then the copy completes, the export closes, the instance keeps running from local files only, and the disk the
 * guest never mounts ({@code vdc}) is bit for bit the normal restore of the same point. Cancelling mid-copy leaves
 * no instance, no overlay and no socket.
 */
class InstantRestoreIT {
    private static final long MiB = 1 << 20;
    @TempDir static Path dir;
    @RegisterExtension static final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
    static TestGuest source;
    static PointManifest point;
    static byte[] known;

    @BeforeAll
    static void backUpTheGuest() throws Exception {
        TestGuest.requireGuestSupport();
        source = TestGuest.start(dir);
        Path extraRaw = dir.resolve("extra.raw");
        Files.write(extraRaw, TestData.random(23, (int) (8 * MiB)));
        Path extra = dir.resolve(source.name() + "-vdc.qcow2");
        run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", extraRaw.toString(), extra.toString());
        run("virsh", "-c", "qemu:///system", "attach-disk", source.name(), extra.toString(), "vdc", "--driver", "qemu",
                "--subdriver", "qcow2", "--persistent");
        known = TestData.random(29, 200_000);
        source.writeFile("/data/known.bin", known);
        point = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(source.name(), Set.of(), 2, PointFacts.NONE, AppConsistency.on()), JobProgress.NONE).point();
        assertEquals(List.of("vda", "vdb", "vdc"), point.disks().stream().map(PointManifest.Disk::name).toList());
        source.close();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (source != null) {
            source.close();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static String newName() {
        return "coffer-it-instant-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theInstanceAnswersWhileDataStreamsAndEndsOnLocalDisksEqualToANormalRestore() throws Exception {
        Path normal = dir.resolve("normal-vdc.raw");
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(point.id(), "vdc", normal, ImageFormat.RAW, false, JobProgress.NONE);

        String name = newName();
        InstantRestore.Request request = new InstantRestore.Request(point.id(), name, Files.createDirectories(dir.resolve("instant")),
                fx.runtime(), 256 * 1024);
        long started = System.nanoTime();
        try (InstantRestore.Session session = new InstantRestore(fx.libvirt(), fx.vault()).start(request);
             TestGuest restored = TestGuest.existing(name, dir)) {
            double startSeconds = (System.nanoTime() - started) / 1e9;
            restored.awaitAgent(Duration.ofSeconds(180));
            double agentSeconds = (System.nanoTime() - started) / 1e9;
            List<InstantRestore.DiskCopy> copying = session.progress();
            assertTrue(copying.stream().anyMatch(c -> !c.complete()), "the copy still runs while the guest answers: " + copying);
            assertTrue(fx.libvirt().domainXml(name, false).contains(session.server().server().socket().toString()));
            assertEquals(TestData.sha256(known), restored.sha256("/data/known.bin"), "the guest reads the point's data");
            System.out.printf("InstantRestoreIT: instance defined and started in %.1f s, agent answered after %.1f s, copy at %s%n",
                    startSeconds, agentSeconds, copying);

            session.speed(0);
            session.awaitLocal(Duration.ofMinutes(5));
            assertTrue(session.local());
            assertFalse(Files.exists(session.server().server().socket()), "the export is closed");
            String live = fx.libvirt().domainXml(name, false);
            assertFalse(live.contains("protocol='nbd'") || live.contains("protocol=\"nbd\""), live);
            assertFalse(fx.libvirt().domainXml(name, true).contains("nbd"), "the persistent definition has no chain either");
            restored.awaitAgent(Duration.ofSeconds(30));
            assertEquals(TestData.sha256(known), restored.sha256("/data/known.bin"), "still readable with the export gone");

            fx.libvirt().destroy(name);
            for (Path disk : session.disks().values()) {
                assertFalse(run("qemu-img", "info", disk.toString()).contains("backing file"), disk + " is standalone");
            }
            assertTrue(run("qemu-img", "compare", "-f", "qcow2", "-F", "raw", session.disks().get("vdc").toString(),
                    normal.toString()).contains("identical"), "the untouched disk equals the normal restore");
            assertEquals(Set.of("vda", "vdb", "vdc"), session.disks().keySet());
        }
        assertTrue(fx.libvirt().domain(name).isEmpty(), "TestGuest.close removed the instance");

        // The same point restored the normal way, timed the same way: every byte written first, then started.
        String full = newName();
        long fullStarted = System.nanoTime();
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).asNewInstance(point.id(), full, Files.createDirectories(dir.resolve("full")),
                true, JobProgress.NONE);
        try (TestGuest restored = TestGuest.existing(full, dir)) {
            double fullStart = (System.nanoTime() - fullStarted) / 1e9;
            restored.awaitAgent(Duration.ofSeconds(180));
            System.out.printf("InstantRestoreIT: full restore defined and started in %.1f s, agent answered after %.1f s%n",
                    fullStart, (System.nanoTime() - fullStarted) / 1e9);
        }
    }

    @Test
    void cancellingMidCopyLeavesNoInstanceNoOverlayAndNoSocket() throws Exception {
        String name = newName();
        InstantRestore.Session session = new InstantRestore(fx.libvirt(), fx.vault()).start(new InstantRestore.Request(point.id(), name,
                Files.createDirectories(dir.resolve("cancelled")), fx.runtime(), 64 * 1024));
        Path socket = session.server().server().socket();
        assertTrue(fx.libvirt().state(name).active());
        assertTrue(session.progress().stream().anyMatch(c -> !c.complete()));
        session.cancel();
        assertTrue(fx.libvirt().domain(name).isEmpty(), "no instance");
        for (Path disk : session.disks().values()) {
            assertFalse(Files.exists(disk), disk + " removed");
        }
        assertFalse(Files.exists(socket), "no socket");
        assertFalse(Files.exists(socket.getParent()), "no runtime directory");
    }
}

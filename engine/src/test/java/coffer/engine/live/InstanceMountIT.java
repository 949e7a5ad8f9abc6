package coffer.engine.live;

import coffer.engine.JobProgress;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceFixture;
import coffer.engine.instance.PointFacts;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point's disk mounted into another running instance: the real test guest writes a known file on its data disk,
 * Coffer backs it up, serves the point's {@code vdb} over NBD and hot-plugs it into a second running guest, which
 * mounts it read-only and reads the file through its agent; then the disk is detached and gone from both the
 * domain and the guest.
 */
class InstanceMountIT {
    @TempDir static Path dir;
    @RegisterExtension static final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
    static TestGuest source;
    static TestGuest target;

    @BeforeAll
    static void setUp() throws Exception {
        TestGuest.requireGuestSupport();
        source = TestGuest.start(dir);
        target = TestGuest.start(dir);
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (TestGuest guest : new TestGuest[] {source, target}) {
            if (guest != null) {
                guest.close();
            }
        }
    }

    @Test
    void aPointsDiskMountedIntoARunningInstanceShowsTheBackedUpFileAndDetachesCleanly() throws Exception {
        byte[] known = TestData.random(17, 300_000);
        source.writeFile("/data/known.bin", known);
        source.shell("mkdir -p /data/dir && echo hello > /data/dir/note.txt && sync");
        PointManifest point = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(source.name(), Set.of(), 2, PointFacts.NONE, AppConsistency.on()), JobProgress.NONE).point();
        source.shell("rm /data/known.bin && sync"); // the guest's own copy changes after the point: the mount shows the point

        Path socket = dir.resolve("mount.sock");
        InstanceMount mount = new InstanceMount(fx.libvirt());
        try (PointServer server = PointServer.start(fx.vault(),
                new PointServer.Request(point.id(), List.of("vdb"), socket, null, PointServer.DEFAULT_CACHE_BYTES))) {
            InstanceMount.Attached attached = mount.attach(target.name(), server.export("vdb"), "coffer-vdb");
            assertEquals("vdc", attached.disk().target(), "the first free virtio name after vda and vdb");
            assertTrue(mount.attachedNow(attached));
            String device = "/dev/" + attached.disk().target();
            awaitInGuest(target, "test -b " + device);
            assertEquals("1", target.shell("cat /sys/block/vdc/ro").trim(), "the guest sees a read-only disk");
            target.shell("mkdir -p /mnt/point && mount -t ext4 -o ro " + device + " /mnt/point");
            assertEquals(TestData.sha256(known), target.sha256("/mnt/point/known.bin"));
            assertEquals("hello", target.shell("cat /mnt/point/dir/note.txt").trim());
            TestGuest.Exec write = target.exec("/bin/sh", "-c", "echo x > /mnt/point/new.txt");
            assertTrue(write.exitCode() != 0, "the mounted point cannot be written");
            target.shell("umount /mnt/point");

            mount.detach(attached, Duration.ofSeconds(60));
            assertFalse(mount.attachedNow(attached));
            assertFalse(fx.libvirt().domainXml(target.name(), false).contains(socket.toString()));
            awaitInGuest(target, "test ! -e " + device);
            assertTrue(server.server().connections() == 0 || awaitNoClients(server), "QEMU hung up on the export");
        }
        assertFalse(Files.exists(socket));
        assertThrows(coffer.engine.error.CofferException.class,
                () -> mount.attach(target.name(), coffer.virt.nbd.NbdExport.tcp("127.0.0.1", 1, "vdb"), null));
    }

    private static boolean awaitNoClients(PointServer server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.server().connections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return server.server().connections() == 0;
    }

    private static void awaitInGuest(TestGuest guest, String condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (guest.exec("/bin/sh", "-c", condition).exitCode() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + condition + "' still false in " + guest.name() + " after 60 s");
            }
            Thread.sleep(200);
        }
    }
}

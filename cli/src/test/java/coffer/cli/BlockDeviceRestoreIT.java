package coffer.cli;

import coffer.testing.Environment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, fix 11: an instance whose disk is a block device (here a loop device) is restored in place by
 * {@code restore disk --in-place} as by {@code restore instance --in-place}: the device, first overwritten with
 * other data, holds the point's bytes again, its holes zeroed, and is still the device (never replaced by a file).
 */
class BlockDeviceRestoreIT {
    private static final int MIB = 1 << 20;

    @TempDir Path dir;
    String domain;
    String loop;

    @AfterEach
    void tearDown() throws Exception {
        if (domain != null) {
            ServerCliIT.run("virsh", "-c", "qemu:///system", "undefine", domain, "--checkpoints-metadata");
        }
        if (loop != null) {
            ServerCliIT.run("losetup", "-d", loop);
        }
    }

    @Test
    void restoreDiskAndRestoreInstanceInPlaceWriteABlockDeviceWithItsHolesZeroed() throws Exception {
        Environment.requireCommand("virsh");
        Environment.requireCommand("losetup");
        Environment.need(ServerCliIT.run("virsh", "-c", "qemu:///system", "version").startsWith("ok"), "libvirtd answering");
        Path backing = dir.resolve("device.img");
        byte[] data = new byte[16 * MIB];
        new Random(14).nextBytes(data);
        java.util.Arrays.fill(data, 8 * MIB, 16 * MIB, (byte) 0); // a hole the restore must zero again
        Files.write(backing, data);
        String expected = ServerCliIT.run("sha256sum", backing.toString()).substring(3, 67);
        String attached = ServerCliIT.run("losetup", "--find", "--show", backing.toString());
        assertTrue(attached.startsWith("ok /dev/loop"), attached);
        loop = attached.substring(3).strip();

        domain = "coffer-blk-" + UUID.randomUUID().toString().substring(0, 8);
        String type = ServerCliIT.run(Path.of("..", "scripts", "domain-type").toString()).substring(3).strip();
        Path xml = Files.writeString(dir.resolve(domain + ".xml"), """
                <domain type='%s'>
                  <name>%s</name>
                  <description>coffer test domain</description>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64'>hvm</type></os>
                  <devices>
                    <disk type='block' device='disk'>
                      <driver name='qemu' type='raw'/>
                      <source dev='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(type, domain, loop));
        assertTrue(ServerCliIT.run("virsh", "-c", "qemu:///system", "define", xml.toString()).startsWith("ok"));

        Path keyRing = dir.resolve("keyring.json");
        Path vault = dir.resolve("vault");
        CliRun.run(keyRing, "vault", "init", vault.toString()).ok();
        CliRun.run(keyRing, "backup", domain, "--vault", vault.toString()).ok();

        for (String[] restore : new String[][] {{"restore", "disk", domain, "vda", "--in-place"},
                {"restore", "instance", domain, "--in-place"}}) {
            overwrite(Path.of(loop));
            assertTrue(!ServerCliIT.run("sha256sum", loop).contains(expected), "the device holds other data first");
            String[] args = java.util.Arrays.copyOf(restore, restore.length + 2);
            args[restore.length] = "--vault";
            args[restore.length + 1] = vault.toString();
            CliRun.run(keyRing, args).ok();
            assertEquals(expected, ServerCliIT.run("sha256sum", loop).substring(3, 67), String.join(" ", restore)
                    + ": the device holds the point again, holes zeroed");
            assertTrue(ServerCliIT.run("test", "-b", loop).startsWith("ok"), loop + " is still a block device");
        }
    }

    /** Other data over the whole device, the hole included. */
    private static void overwrite(Path device) throws Exception {
        byte[] other = new byte[16 * MIB];
        new Random(99).nextBytes(other);
        try (RandomAccessFile file = new RandomAccessFile(device.toFile(), "rw")) {
            file.write(other);
            file.getFD().sync();
        }
    }
}

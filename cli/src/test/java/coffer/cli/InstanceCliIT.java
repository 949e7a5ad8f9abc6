package coffer.cli;

import coffer.testing.Environment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The instance commands through the real command line on a throwaway libvirt domain (scripts/make-test-domain). */
class InstanceCliIT {
    private static final Path SCRIPTS = Path.of("..", "scripts");
    @TempDir Path dir;
    String domain;
    String clone;
    Path keyRing;
    Path vault;

    @BeforeEach
    void setUp() throws Exception {
        Environment.requireCommand("virsh");
        Environment.need(Files.isExecutable(SCRIPTS.resolve("make-test-domain")), "scripts/make-test-domain");
        Environment.need(run("virsh", "-c", "qemu:///system", "version").startsWith("ok"), "libvirtd answering");
        domain = "coffer-cli-" + UUID.randomUUID().toString().substring(0, 8);
        clone = domain + "-clone";
        String made = run(SCRIPTS.resolve("make-test-domain").toString(), domain, dir.toString(), "--formats", "qcow2,raw",
                "--size-mb", "16");
        assertTrue(made.startsWith("ok"), made);
        keyRing = dir.resolve("keyring.json");
        vault = dir.resolve("vault");
        CliRun.run(keyRing, "vault", "init", vault.toString()).ok();
        // some data, written the way a guest would
        run("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain, "--hmp",
                "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x5c 1M 3M\"");
    }

    @AfterEach
    void tearDown() throws Exception {
        run("virsh", "-c", "qemu:///system", "destroy", clone);
        run("virsh", "-c", "qemu:///system", "undefine", clone, "--checkpoints-metadata");
        run(SCRIPTS.resolve("remove-test-domain").toString(), domain);
    }

    @Test
    void listBackupRestoreAndCloneThroughTheCommandLine() throws Exception {
        CliRun list = CliRun.run(keyRing, "instance", "list", "--output", "json").ok();
        assertTrue(list.out().contains("\"name\" : \"" + domain + "\""), list.out());
        assertTrue(list.out().contains("\"supported\" : true"), list.out());

        CliRun first = CliRun.run(keyRing, "backup", domain, "--vault", vault.toString()).ok();
        assertTrue(first.out().contains("vda") && first.out().contains("full"), first.out());
        run("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain, "--hmp",
                "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x5d 6M 64k\"");
        CliRun second = CliRun.run(keyRing, "backup", domain, "--vault", vault.toString(), "--output", "json").ok();
        assertTrue(second.out().contains("\"mode\" : \"incremental\""), second.out());
        Matcher id = Pattern.compile("\"point\" : \"([0-9]{8}-[0-9]{6}-[0-9a-f]{8})\"").matcher(second.out());
        assertTrue(id.find(), second.out());
        String point = id.group(1);

        // the disk's exact content is known: empty (sparse) plus the two writes; the live qcow2 file is no
        // reference, QEMU may hold its metadata in memory
        byte[] expected = new byte[16 << 20];
        java.util.Arrays.fill(expected, 1 << 20, 4 << 20, (byte) 0x5c);
        java.util.Arrays.fill(expected, 6 << 20, (6 << 20) + 65536, (byte) 0x5d);
        Path restored = dir.resolve("vda-restored.raw");
        CliRun.run(keyRing, "restore", "disk", point, "vda", "--vault", vault.toString(), "--to", restored.toString(),
                "--format", "raw").ok();
        assertTrue(java.util.Arrays.equals(expected, Files.readAllBytes(restored)), "restored disk is the disk at the point");

        CliRun.run(keyRing, "restore", "instance", point, "--in-place", "--vault", vault.toString())
                .fails(2, "InstanceRunning");
        CliRun.run(keyRing, "backup", "no-such-domain-" + domain, "--vault", vault.toString()).fails(4, "InstanceNotFound");

        CliRun.run(keyRing, "clone", domain, "--name", clone, "--vault", vault.toString(), "--dir", dir.toString()).ok();
        assertTrue(run("virsh", "-c", "qemu:///system", "domstate", clone).contains("running"));
        Path cloneRaw = dir.resolve("clone-vda.raw");
        assertTrue(run("qemu-img", "convert", "-U", "-O", "raw", dir.resolve(clone + "-vda.qcow2").toString(),
                cloneRaw.toString()).startsWith("ok"));
        assertTrue(java.util.Arrays.equals(expected, Files.readAllBytes(cloneRaw)), "the clone has the instance's data");

        // in place over the shut-off instance: vda (qcow2) rolled back quickly, vdb (raw) written in full, each said
        run("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain, "--hmp",
                "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x5e 9M 64k\"");
        run("virsh", "-c", "qemu:///system", "destroy", domain);
        CliRun toFile = CliRun.run(keyRing, "restore", "disk", point, "vda", "--to", dir.resolve("x.raw").toString(),
                "--full", "--vault", vault.toString()).fails(2, "InvalidArgument");
        assertTrue(toFile.err().contains("full: only an in-place restore can write less"), toFile.err());
        CliRun inPlace = CliRun.run(keyRing, "restore", "instance", point, "--in-place", "--vault", vault.toString()).ok();
        assertTrue(inPlace.out().contains("vda  quick rollback: wrote "), inPlace.out());
        assertTrue(inPlace.out().contains("vdb  full write: raw disk: no dirty bitmap"), inPlace.out());
        Path rolledBack = dir.resolve("rolled-back-vda.raw");
        assertTrue(run("qemu-img", "convert", "-O", "raw", dir.resolve(domain + "-vda.qcow2").toString(),
                rolledBack.toString()).startsWith("ok"));
        assertTrue(java.util.Arrays.equals(expected, Files.readAllBytes(rolledBack)), "rolled back to the point");
        CliRun full = CliRun.run(keyRing, "restore", "disk", point, "vda", "--in-place", "--full", "--vault",
                vault.toString()).ok();
        assertTrue(full.out().contains("full write: asked for (full)"), full.out());
    }

    /** "ok …" on exit 0, else "failed …", with the output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return (p.waitFor() == 0 ? "ok " : "failed ") + output;
    }
}

package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An instance point names each disk's file as its {@code source} (docs/format/manifest.md), running or shut off: it
 * named the NBD export the disk was read through ({@code nbd+unix:///vda?socket=/var/lib/coffer/run/…/backup.sock}),
 * a socket gone when the backup ended, which {@code coffer point show} printed as where the disk came from (session
 * 19's walk).
 */
class PointDiskSourceIT {
    @TempDir Path dir;
    Vault vault;
    Libvirt libvirt;
    TestDomain domain;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        vault = Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024,
                new LocalKeyRing(dir.resolve("keyring.json")));
        libvirt = Libvirt.connect("qemu:///system");
    }

    @AfterEach
    void tearDown() {
        if (domain != null) {
            domain.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    private PointManifest backup() {
        return new InstanceBackup(libvirt, vault, dir.resolve("run")).run(
                new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), new JobProgress() {
                    @Override
                    public void starting(long totalBytes) {
                    }

                    @Override
                    public void advance(long bytes) {
                    }
                }).point();
    }

    @Test
    void eachDiskIsNamedByItsFileRunningAndShutOff() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("vda", "qcow2");
        formats.put("vdb", "raw");
        domain = TestDomain.create(dir, formats, 8);

        PointManifest running = backup();
        for (String disk : formats.keySet()) {
            assertEquals(domain.disks.get(disk).toString(), running.disk(disk).source(), "running, " + disk);
        }

        TestDomain.virsh("destroy", domain.name);
        PointManifest shutOff = backup();
        for (String disk : formats.keySet()) {
            assertEquals(domain.disks.get(disk).toString(), shutOff.disk(disk).source(), "shut off, " + disk);
        }
    }
}

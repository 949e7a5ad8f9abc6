package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.vault.PointManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
    TestDomain domain;

    private PointManifest backup() {
        return new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), JobProgress.NONE).point();
    }

    @Test
    void eachDiskIsNamedByItsFileRunningAndShutOff() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("vda", "qcow2");
        formats.put("vdb", "raw");
        domain = fx.domain(formats, 8);

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

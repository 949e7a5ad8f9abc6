package coffer.engine.instance;

import coffer.virt.domain.DiskSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which host file a backup may release from the page cache: a file disk's own source, nothing else. */
class CacheReleasingSourceTest {
    private static DiskSpec disk(String type, String source) {
        return new DiskSpec("vda", "disk", type, "qcow2", source, "virtio", false, false, false);
    }

    @Test
    void aFileDiskReleasesItsSourceOnly() {
        assertEquals(Optional.of(Path.of("/var/lib/libvirt/images/a.qcow2")),
                CacheReleasingSource.fileOf(disk("file", "/var/lib/libvirt/images/a.qcow2")));
    }

    @Test
    void blockDevicesAndDisksWithoutSourceReleaseNothing() {
        assertEquals(Optional.empty(), CacheReleasingSource.fileOf(disk("block", "/dev/vg/lv")));
        assertEquals(Optional.empty(), CacheReleasingSource.fileOf(disk("network", "pool/image")));
        assertEquals(Optional.empty(), CacheReleasingSource.fileOf(disk("file", null)));
        assertEquals(Optional.empty(), CacheReleasingSource.fileOf(disk("file", " ")));
    }
}

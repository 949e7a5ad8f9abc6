package coffer.virt.libvirt;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static coffer.virt.libvirt.TestDomains.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibvirtCheckpointIT extends WithTestDomains {
    static String checkpoint(String name, String... bitmapDisks) {
        StringBuilder disks = new StringBuilder();
        for (String disk : bitmapDisks) {
            disks.append("<disk name='").append(disk).append("' checkpoint='bitmap'/>");
        }
        return "<domaincheckpoint><name>" + name + "</name><disks>" + disks + "</disks></domaincheckpoint>";
    }

    private List<String> bitmapNames(String domain, Path file) throws Exception {
        return domains.bitmaps(domain, file).stream().map(TestDomains.Bitmap::name).sorted().toList();
    }

    @Test
    void checkpointsAreCreatedListedDescribedAndDeletedWithTheirBitmaps() throws Exception {
        String name = domains.start("cp", 16, "qcow2");
        Path vda = domains.disk(name, "vda", "qcow2");
        assertEquals(List.of(), libvirt.checkpoints(name));

        assertEquals("c1", libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0));
        domains.write(name, 0, 0xaa, MiB, 2 * MiB);
        assertEquals("c2", libvirt.createCheckpoint(name, checkpoint("c2", "vda"), 0));
        assertEquals(List.of("c1", "c2"), libvirt.checkpoints(name));
        assertEquals(List.of("c1", "c2"), bitmapNames(name, vda));
        TestDomains.Bitmap c1 = domains.bitmaps(name, vda).stream().filter(b -> b.name().equals("c1")).findFirst()
                .orElseThrow();
        assertTrue(c1.recording() && c1.persistent() && !c1.busy() && !c1.inconsistent(), c1.toString());
        assertEquals(2 * MiB, c1.count());

        String xml = libvirt.checkpointXml(name, "c2");
        assertTrue(xml.contains("<parent>\n    <name>c1</name>"), xml);
        assertTrue(xml.contains("<disk name='vda' checkpoint='bitmap' bitmap='c2'/>"), xml);
        assertFalse(xml.contains("<domain type="), xml);
        assertTrue(libvirt.checkpointXml(name, "c2", 0).contains("<domain type="));

        libvirt.deleteCheckpoint(name, "c2", false);
        assertEquals(List.of("c1"), libvirt.checkpoints(name));
        assertEquals(List.of("c1"), bitmapNames(name, vda));
        assertEquals("c2", libvirt.createCheckpoint(name, checkpoint("c2", "vda"), 0));
        libvirt.deleteCheckpoint(name, "c1", false);
        assertEquals(List.of("c2"), libvirt.checkpoints(name));
        assertEquals(List.of("c2"), bitmapNames(name, vda));
    }

    @Test
    void deletingOnlyTheMetadataLeavesTheBitmapSoTheNameCannotBeReused() throws Exception {
        String name = domains.start("meta", 16, "qcow2");
        Path vda = domains.disk(name, "vda", "qcow2");
        libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0);
        libvirt.deleteCheckpoint(name, "c1", true);
        assertEquals(List.of(), libvirt.checkpoints(name));
        assertEquals(List.of("c1"), bitmapNames(name, vda));

        LibvirtException e = assertThrows(LibvirtException.class,
                () -> libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0));
        assertEquals(LibvirtException.INTERNAL_ERROR, e.code());
        assertTrue(e.libvirtMessage().contains("Bitmap already exists: c1"), e.libvirtMessage());
    }

    @Test
    void aMissingCheckpointOrADuplicateNameIsAnErrorWithLibvirtsCode() throws Exception {
        String name = domains.start("missing", 16, "qcow2");
        LibvirtException missing = assertThrows(LibvirtException.class, () -> libvirt.checkpointXml(name, "nope"));
        assertEquals(LibvirtException.NO_DOMAIN_CHECKPOINT, missing.code());
        assertEquals("virDomainCheckpointLookupByName(domain '" + name + "', 'nope')", missing.call());
        assertThrows(LibvirtException.class, () -> libvirt.deleteCheckpoint(name, "nope", false));

        libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0);
        LibvirtException duplicate = assertThrows(LibvirtException.class,
                () -> libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0));
        assertEquals(LibvirtException.OPERATION_FAILED, duplicate.code());
        assertTrue(duplicate.libvirtMessage().contains("already exists"), duplicate.libvirtMessage());
    }

    @Test
    void aShutOffDomainCannotTakeACheckpoint() throws Exception {
        String name = domains.define("off", 16, "qcow2");
        LibvirtException e = assertThrows(LibvirtException.class,
                () -> libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0));
        assertEquals(LibvirtException.OPERATION_UNSUPPORTED, e.code());
        assertTrue(e.libvirtMessage().contains("inactive domain"), e.libvirtMessage());
        assertEquals(List.of(), TestDomains.bitmapsInFile(domains.disk(name, "vda", "qcow2")));
    }

    @Test
    void checkpointsAndBitmapsSurviveDestroyAndStart() throws Exception {
        String name = domains.start("restart", 16, "qcow2");
        Path vda = domains.disk(name, "vda", "qcow2");
        libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0);
        domains.write(name, 0, 0x11, 0, MiB);
        libvirt.destroy(name);

        assertEquals(List.of("c1"), libvirt.checkpoints(name));
        assertEquals(List.of("c1"), TestDomains.bitmapsInFile(vda));
        LibvirtException e = assertThrows(LibvirtException.class, () -> libvirt.deleteCheckpoint(name, "c1", false));
        assertEquals(LibvirtException.OPERATION_UNSUPPORTED, e.code());

        libvirt.start(name);
        TestDomains.Bitmap c1 = domains.bitmaps(name, vda).getFirst();
        assertEquals("c1", c1.name());
        assertTrue(c1.recording() && !c1.inconsistent(), c1.toString());
        assertEquals(MiB, c1.count());
    }

    @Test
    void aRawDiskTakesNoBitmapAndIsLeftOutOfCheckpoints() throws Exception {
        String name = domains.start("raw", 16, "qcow2", "raw");
        LibvirtException e = assertThrows(LibvirtException.class,
                () -> libvirt.createCheckpoint(name, "<domaincheckpoint><name>c1</name></domaincheckpoint>", 0));
        assertEquals(LibvirtException.CONFIG_UNSUPPORTED, e.code());
        assertTrue(e.libvirtMessage().contains("vdb"), e.libvirtMessage());

        libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0);
        String xml = libvirt.checkpointXml(name, "c1");
        assertTrue(xml.contains("<disk name='vda' checkpoint='bitmap' bitmap='c1'/>"), xml);
        assertTrue(xml.contains("<disk name='vdb' checkpoint='no'/>"), xml);
    }
}

package coffer.virt.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainDefinitionTest {
    static final String XML = """
            <domain type='kvm'>
              <name>web-1</name>
              <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
              <memory unit='MiB'>128</memory>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/var/lib/libvirt/images/web-1.qcow2'/>
                  <backingStore/>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <disk type='block' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source dev='/dev/vg0/web-1-data'/>
                  <target dev='vdb' bus='virtio'/>
                </disk>
                <disk type='file' device='cdrom'>
                  <source file='/iso/debian.iso'/>
                  <target dev='sda' bus='sata'/>
                  <readonly/>
                </disk>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source file='/shared/cluster.img'/>
                  <target dev='vdc' bus='virtio'/>
                  <shareable/>
                </disk>
                <disk type='network' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source protocol='rbd' name='pool/image'/>
                  <target dev='vdd' bus='virtio'/>
                </disk>
                <disk type='block' device='lun'>
                  <source dev='/dev/sdz'/>
                  <target dev='sdb' bus='scsi'/>
                </disk>
                <interface type='network'>
                  <mac address='52:54:00:12:34:56'/>
                  <source network='default'/>
                </interface>
              </devices>
            </domain>
            """;

    @Test
    void disksAreReadWithTheReasonWhenTheyCannotBeBackedUp() throws Exception {
        DomainDefinition d = DomainDefinition.parse(XML);
        assertEquals("web-1", d.name());
        assertEquals("4dea22b3-1d52-d8f3-2516-782e98ab3fa0", d.uuid().orElseThrow());
        List<DiskSpec> disks = d.disks();
        assertEquals(List.of("vda", "vdb", "sda", "vdc", "vdd", "sdb"), disks.stream().map(DiskSpec::target).toList());
        assertTrue(disks.get(0).supported());
        assertTrue(disks.get(0).bitmapCapable());
        assertEquals("/var/lib/libvirt/images/web-1.qcow2", disks.get(0).source());
        assertTrue(disks.get(1).supported());
        assertFalse(disks.get(1).bitmapCapable());
        assertEquals("/dev/vg0/web-1-data", disks.get(1).source());
        assertEquals("cdrom drive", disks.get(2).unsupportedReason().orElseThrow());
        assertTrue(disks.get(3).unsupportedReason().orElseThrow().startsWith("shareable"));
        assertTrue(disks.get(4).unsupportedReason().orElseThrow().contains("'network'"));
        assertTrue(disks.get(5).unsupportedReason().orElseThrow().startsWith("LUN passthrough"));
    }

    @Test
    void aNewInstanceGetsNewNameNoUuidNoMacAndItsOwnDiskFiles() throws Exception {
        DomainDefinition copy = DomainDefinition.parse(XML).asNewInstance("web-1-copy",
                Map.of("vda", new DomainDefinition.NewDisk("/restore/web-1-copy-vda.qcow2", "qcow2"),
                        "vdb", new DomainDefinition.NewDisk("/restore/web-1-copy-vdb.raw", "raw")),
                Set.of("vdc", "vdd", "sdb"));
        DomainDefinition reparsed = DomainDefinition.parse(copy.xml());
        assertEquals("web-1-copy", reparsed.name());
        assertTrue(reparsed.uuid().isEmpty());
        assertFalse(reparsed.xml().contains("52:54:00:12:34:56"));
        assertEquals(List.of("vda", "vdb", "sda"), reparsed.disks().stream().map(DiskSpec::target).toList());
        DiskSpec vdb = reparsed.disk("vdb").orElseThrow();
        assertEquals("file", vdb.type());
        assertEquals("/restore/web-1-copy-vdb.raw", vdb.source());
        assertEquals("raw", vdb.format());
        assertFalse(reparsed.xml().contains("backingStore"));
        assertEquals("/iso/debian.iso", reparsed.disk("sda").orElseThrow().source(), "cdrom left as it was");
    }

    @Test
    void badDefinitionsAreRefused() {
        assertThrows(DomainDefinitionException.class, () -> DomainDefinition.parse("<network/>"));
        assertThrows(DomainDefinitionException.class, () -> DomainDefinition.parse("<domain><name>x</name"));
        assertThrows(DomainDefinitionException.class, () -> DomainDefinition.parse(
                "<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain><name>&e;</name></domain>"));
        assertThrows(DomainDefinitionException.class, () -> DomainDefinition.parse("<domain type='kvm'></domain>"));
    }

    @Test
    void overlaysGetAnNbdBackingChainAndAttachedDisksTheFirstFreeName() throws Exception {
        DomainDefinition def = DomainDefinition.parse(XML);
        DomainDefinition overlaid = def.asNewInstance("web-1-instant",
                java.util.Map.of("vda", new DomainDefinition.NewDisk("/restore/web-1-instant-vda.qcow2", "qcow2")), java.util.Set.of())
                .withNbdBackings(java.util.Map.of("vda", new DomainDefinition.NbdBacking(java.nio.file.Path.of("/run/c/nbd.sock"), "vda")));
        DomainDefinition reparsed = DomainDefinition.parse(overlaid.xml());
        assertEquals("/restore/web-1-instant-vda.qcow2", reparsed.disk("vda").orElseThrow().source());
        String xml = reparsed.xml();
        assertTrue(xml.contains("<backingStore type=\"network\"><format type=\"raw\"/><source name=\"vda\" protocol=\"nbd\">")
                || xml.contains("<backingStore type=\"network\"><format type=\"raw\"/><source protocol=\"nbd\" name=\"vda\">"), xml);
        assertTrue(xml.contains("socket=\"/run/c/nbd.sock\""), xml);
        assertEquals(2, xml.split("protocol=\"nbd\"", -1).length, "only vda is backed by the export");

        assertEquals("vde", NbdDisk.freeTarget(def), "vda-vdd are taken");
        NbdDisk disk = new NbdDisk("vde", java.nio.file.Path.of("/run/c/it's.sock"), "vd<a>", "coffer-1");
        DomainDefinition attached = DomainDefinition.parse(XML.replace("</devices>", disk.xml() + "</devices>"));
        DiskSpec spec = attached.disk("vde").orElseThrow();
        assertEquals("network", spec.type());
        assertEquals("nbd:vd<a>", spec.source());
        assertTrue(spec.readOnly());
        assertThrows(IllegalArgumentException.class, () -> new NbdDisk("sda", java.nio.file.Path.of("/s"), "x", null));
        assertThrows(IllegalArgumentException.class, () -> new NbdDisk("vdb", java.nio.file.Path.of("/s"), "x", "bad serial!"));
    }

    @Test
    void aDisasterRecoveryCopyTakesNewSizesAndNetworks() throws Exception {
        String xml = """
                <domain type='kvm'>
                  <name>db-1</name>
                  <memory unit='GiB'>4</memory>
                  <currentMemory unit='GiB'>2</currentMemory>
                  <vcpu placement='static' current='2'>4</vcpu>
                  <cpu mode='host-model'><topology sockets='1' cores='2' threads='2'/></cpu>
                  <devices>
                    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/></interface>
                    <interface type='bridge'><mac address='52:54:00:00:00:02'/><source bridge='br-lan'/></interface>
                    <interface type='user'><mac address='52:54:00:00:00:03'/></interface>
                  </devices>
                </domain>
                """;
        DomainDefinition original = DomainDefinition.parse(xml);
        assertEquals(List.of("default", "br-lan"), original.interfaceSources());

        DomainDefinition resized = original.withVcpus(2).withMemory(512 * 1024);
        String out = resized.xml();
        assertTrue(out.contains("<vcpu placement=\"static\">2</vcpu>"), out);
        assertFalse(out.contains("topology"), out);
        assertTrue(out.contains("<memory unit=\"KiB\">524288</memory>"), out);
        assertTrue(out.contains("<currentMemory unit=\"KiB\">524288</currentMemory>"), out);

        DomainDefinition mapped = original.withInterfaceSources(Map.of("default", "dr-net", "br-lan", "br-dr"));
        assertEquals(List.of("dr-net", "br-dr"), mapped.interfaceSources());
        assertEquals(3, mapped.xml().split("<interface").length - 1, "the user-mode interface kept");
        assertEquals(List.of("default", "br-dr"), original.withInterfaceSources(Map.of("br-lan", "br-dr")).interfaceSources(),
                "an unmapped network stays");

        DomainDefinition filtered = mapped.withInterfaceFilter("clean-traffic").withInterfaceFilter("dr-web");
        assertEquals(3, filtered.xml().split("<filterref filter=\"dr-web\"/>").length - 1, filtered.xml());
        assertFalse(filtered.xml().contains("clean-traffic"), "the filter replaces the one before: " + filtered.xml());
        assertEquals(List.of("dr-net", "br-dr"), filtered.interfaceSources());

        DomainDefinition isolated = original.withoutInterfaces();
        assertFalse(isolated.xml().contains("<interface"), isolated.xml());
        assertTrue(original.xml().contains("<interface"), "every change returns a new definition");

        String bare = DomainDefinition.parse("<domain type='kvm'><name>x</name></domain>").withVcpus(3).withMemory(1024).xml();
        assertTrue(bare.contains("<vcpu>3</vcpu>") && bare.contains("<memory unit=\"KiB\">1024</memory>")
                && !bare.contains("currentMemory"), bare);
    }
}

package coffer.virt.domain;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DomainDefinition#isolated}: a restore drill's copy reaches nothing of the host or network but its disks. */
class IsolatedCopyTest {
    static final String XML = """
            <domain type='kvm'>
              <name>web-1</name>
              <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
              <description>the shop's web server</description>
              <memory unit='MiB'>128</memory>
              <os>
                <type arch='x86_64' machine='q35'>hvm</type>
                <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
                <nvram>/var/lib/libvirt/qemu/nvram/web-1_VARS.fd</nvram>
              </os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/var/lib/libvirt/images/web-1.qcow2'/>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <interface type='bridge'>
                  <mac address='52:54:00:12:34:56'/>
                  <source bridge='br0'/>
                </interface>
                <interface type='network'><source network='default'/></interface>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source>
                </hostdev>
                <filesystem type='mount'><source dir='/srv/share'/><target dir='share'/></filesystem>
                <graphics type='vnc' port='5901' autoport='no' listen='0.0.0.0'/>
                <serial type='file'><source path='/var/log/web-1-console.log'/><target port='0'/></serial>
                <console type='tcp'><source mode='bind' host='0.0.0.0' service='2445'/><protocol type='telnet'/><target type='serial' port='0'/></console>
                <channel type='unix'>
                  <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/web-1.org.qemu.guest_agent.0'/>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
                <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
                <parallel type='dev'><source path='/dev/parport0'/><target port='0'/></parallel>
              </devices>
            </domain>
            """;

    private static DomainDefinition copy(String xml) throws DomainDefinitionException {
        return DomainDefinition.parse(xml).asNewInstance("coffer-drill-1",
                Map.of("vda", new DomainDefinition.NewDisk("/var/lib/coffer/drills/d-1/vda.qcow2", "qcow2")), Set.of())
                .isolated("coffer-drill point=p-1 owner=42@host-a");
    }

    @Test
    void theCopyHasNoNetworkNoHostDeviceAndNoneOfTheOriginalsFiles() throws DomainDefinitionException {
        String xml = copy(XML).xml();
        for (String gone : new String[]{"<interface", "<hostdev", "<filesystem", "<graphics", "<parallel", "br0",
                "52:54:00", "/srv/share", "web-1-console.log", "2445", "telnet", "web-1.org.qemu.guest_agent.0", "spicevmc",
                "<nvram", "web-1_VARS", "the shop's web server", "web-1.qcow2", "4dea22b3"}) {
            assertFalse(xml.contains(gone), gone + " left in\n" + xml);
        }
        assertTrue(xml.contains("<serial type=\"pty\">"), xml);
        assertTrue(xml.contains("<console type=\"pty\">"), xml);
        assertTrue(xml.contains("OVMF_CODE.fd"), "the firmware code is shared read-only: kept");
        DomainDefinition copy = DomainDefinition.parse(xml);
        assertEquals("coffer-drill-1", copy.name());
        assertEquals("coffer-drill point=p-1 owner=42@host-a", copy.description());
        assertEquals("/var/lib/coffer/drills/d-1/vda.qcow2", copy.disk("vda").orElseThrow().source());
    }

    @Test
    void theGuestAgentsChannelStaysOrIsAdded() throws DomainDefinitionException {
        String kept = copy(XML).xml();
        assertEquals(1, kept.split("org.qemu.guest_agent.0", -1).length - 1, kept);
        assertTrue(kept.contains("<channel type=\"unix\">"), kept);

        String none = XML.replaceAll("(?s)<channel.*?</channel>", "");
        String added = copy(none).xml();
        assertTrue(added.contains("<channel type=\"unix\"><target name=\"org.qemu.guest_agent.0\" type=\"virtio\"/></channel>")
                || added.contains("<channel type=\"unix\"><target type=\"virtio\" name=\"org.qemu.guest_agent.0\"/></channel>"),
                added);
    }

    @Test
    void aDefinitionWithoutDevicesGetsTheAgentChannel() throws DomainDefinitionException {
        DomainDefinition bare = DomainDefinition.parse("<domain type='kvm'><name>x</name></domain>").isolated("d");
        assertTrue(bare.xml().contains(DomainDefinition.AGENT_CHANNEL), bare.xml());
        assertEquals("d", bare.description());
    }
}

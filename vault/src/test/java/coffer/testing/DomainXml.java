package coffer.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The libvirt domain XML of the tests' throwaway domains ({@link TestGuest}, the engine's {@code TestDomain}, the
 * console's hostile-text domain): one vCPU, x86-64 HVM, ACPI, destroyed on power-off and crash, file disks on virtio.
 * It boots from its first disk, or from a kernel and initrd given directly ({@link #directKernel}). Every text and path
 * is escaped as XML text, so a test may give names made of markup. Not thread-safe.
 */
public final class DomainXml {
    private final String type;
    private final String name;
    private String uuid;
    private String title;
    private String description;
    private int memoryMiB = 64;
    private String os = "<boot dev='hd'/>";
    private final List<String> devices = new ArrayList<>();

    private DomainXml(String type, String name) {
        this.type = type;
        this.name = name;
    }

    /** A domain of {@code type} ({@code kvm} or {@code qemu}) named {@code name}, of 64 MiB. */
    public static DomainXml of(String type, String name) {
        return new DomainXml(type, name);
    }

    public DomainXml uuid(String value) {
        this.uuid = value;
        return this;
    }

    public DomainXml title(String value) {
        this.title = value;
        return this;
    }

    public DomainXml description(String value) {
        this.description = value;
        return this;
    }

    public DomainXml memoryMiB(int value) {
        this.memoryMiB = value;
        return this;
    }

    /** Boots {@code kernel} with {@code initrd} and the kernel command line {@code cmdline}, not from a disk. */
    public DomainXml directKernel(Path kernel, Path initrd, String cmdline) {
        this.os = "<kernel>%s</kernel><initrd>%s</initrd><cmdline>%s</cmdline>".formatted(text(kernel.toString()),
                text(initrd.toString()), text(cmdline));
        return this;
    }

    /** A file disk of {@code format} ({@code raw}, {@code qcow2}) on the virtio bus as {@code target} ({@code vda}...). */
    public DomainXml disk(String target, String format, Path file) {
        devices.add("""
                <disk type='file' device='disk'>
                  <driver name='qemu' type='%s'/>
                  <source file='%s'/>
                  <target dev='%s' bus='virtio'/>
                </disk>""".formatted(text(format), text(file.toString()), text(target)));
        return this;
    }

    /** A serial console written to {@code log}. */
    public DomainXml serialLog(Path log) {
        devices.add("<serial type='file'><source path='%s'/><target port='0'/></serial>".formatted(text(log.toString())));
        return this;
    }

    /** The guest agent's channel ({@code org.qemu.guest_agent.0}). */
    public DomainXml agentChannel() {
        devices.add("<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>");
        return this;
    }

    /** No memory balloon device (libvirt adds one otherwise). */
    public DomainXml noBalloon() {
        devices.add("<memballoon model='none'/>");
        return this;
    }

    public String xml() {
        StringBuilder xml = new StringBuilder();
        xml.append("<domain type='").append(text(type)).append("'>\n");
        xml.append("  <name>").append(text(name)).append("</name>\n");
        if (uuid != null) {
            xml.append("  <uuid>").append(text(uuid)).append("</uuid>\n");
        }
        if (title != null) {
            xml.append("  <title>").append(text(title)).append("</title>\n");
        }
        if (description != null) {
            xml.append("  <description>").append(text(description)).append("</description>\n");
        }
        xml.append("  <memory unit='MiB'>").append(memoryMiB).append("</memory>\n");
        xml.append("  <vcpu>1</vcpu>\n");
        xml.append("  <os><type arch='x86_64'>hvm</type>").append(os).append("</os>\n");
        xml.append("  <features><acpi/></features>\n");
        xml.append("  <on_poweroff>destroy</on_poweroff>\n");
        xml.append("  <on_crash>destroy</on_crash>\n");
        xml.append("  <devices>\n");
        for (String device : devices) {
            xml.append(device.indent(4));
        }
        xml.append("  </devices>\n");
        xml.append("</domain>\n");
        return xml.toString();
    }

    /** {@code value} as XML text (in an element or a quoted attribute). */
    public static String text(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }
}

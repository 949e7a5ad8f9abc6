package coffer.virt.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A domain of libvirt's test driver ({@code test://<node file>}, no daemon, no QEMU): a node file holding one domain
 * with one qcow2 disk, {@code vda}, running or shut off. The driver answers the domain's XML, its disks' sizes and
 * its checkpoints but refuses QEMU monitor commands; the start-up training ({@code coffer dev train}) backs up such
 * a shut-off domain, and tests use one to run the instance code without a hypervisor.
 *
 * <p>Immutable; thread-safe.
 */
public record TestDriverDomain(String name, String uuid, Path qcow2, boolean running) {
    /** A running domain {@code name} whose disk {@code vda} is the image {@code qcow2}. */
    public static TestDriverDomain of(String name, String uuid, Path qcow2) {
        return new TestDriverDomain(name, uuid, qcow2, true);
    }

    /** This domain, shut off. */
    public TestDriverDomain shutOff() {
        return new TestDriverDomain(name, uuid, qcow2, false);
    }

    /** The test driver's node file holding this domain. */
    public String nodeXml() {
        return """
                <node>
                  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
                    <name>%s</name>
                    <uuid>%s</uuid>
                    <memory>65536</memory>
                    <os><type arch='x86_64'>hvm</type></os>
                    <devices>
                      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='%s'/>
                        <target dev='vda' bus='virtio'/></disk>
                    </devices>
                %s  </domain>
                </node>
                """.formatted(BackupXml.escape(name), BackupXml.escape(uuid), BackupXml.escape(qcow2.toString()),
                running ? "" : "    <test:runstate>5</test:runstate>\n");
    }

    /** Writes the node file to {@code file} and returns the URI that connects to it. */
    public String writeNode(Path file) throws IOException {
        Files.writeString(file, nodeXml());
        return "test://" + file.toAbsolutePath();
    }
}

package coffer.virt.libvirt;

import coffer.testing.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An embedded QEMU driver ({@code qemu:///embed?root=DIR}: libvirt's QEMU driver inside this process, with its own
 * domains and no daemon) opens through the binding, which runs libvirt's event loop for it; it sees the domains defined
 * under its root and none of the system daemon's. Tests use it as a second libvirt host (docs/design/agents.md).
 *
 * <p>The driver is opened in a JVM of its own ({@link EmbeddedDriverProcessMain}): once a process has opened one, its
 * {@code qemu:///system} connections fail, and the tests that run after this one in the same JVM need them.
 */
class EmbeddedDriverIT {
    @TempDir Path dir;

    @Test
    void anEmbeddedDriverSeesTheDomainsOfItsRootOnly() throws Exception {
        Environment.requireCommand("virsh");
        Environment.requireCommand("qemu-img");
        Path root = dir.resolve("root");
        Path disk = dir.resolve("d.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "16M");
        Path xml = dir.resolve("d.xml");
        Files.writeString(xml, """
                <domain type='qemu'><name>coffer-embed-probe</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
                <os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>
                <driver name='qemu' type='qcow2'/><source file='%s'/><target dev='vda' bus='virtio'/></disk></devices>
                </domain>""".formatted(disk));
        String uri = "qemu:///embed?root=" + root;
        run("virsh", "-c", uri, "define", xml.toString());
        EmbeddedDriverProcessMain.Ran seen = EmbeddedDriverProcessMain.domainsOf(uri, dir.resolve("embedded.log"));
        assertEquals(0, seen.exitCode(), seen.output());
        assertEquals(List.of("coffer-embed-probe"), seen.lines());

        // this JVM never opened the embedded driver: the system daemon still answers here (the tests after this one
        // in the same JVM connect to it)
        try (TestDomains domains = TestDomains.open(dir)) {
            assertTrue(domains.libvirt().domains().stream().map(DomainInfo::name).noneMatch("coffer-embed-probe"::equals));
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}

package coffer.engine.drill;

import coffer.engine.instance.TestDomain;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Running no-OS domains marked as drill copies, for the tests of what removes a dead drill's copy (a server's start,
 * an agent's start): each copy gets a file in its directory; {@link #close} removes every copy still defined.
 */
final class RunningCopies implements AutoCloseable {
    private final Libvirt libvirt;
    private final Path dir;
    private final List<String> defined = new ArrayList<>();
    private final List<String> transients = new ArrayList<>();

    /** @param dir where the domains' XML files are written */
    RunningCopies(Libvirt libvirt, Path dir) {
        this.libvirt = libvirt;
        this.dir = dir;
    }

    /** A running no-OS domain marked as the copy {@code copy}, with a file in its directory. */
    void run(DrillCopy copy) throws Exception {
        Path xml = prepare(copy);
        defined.add(copy.name());
        TestDomain.virsh("define", xml.toString());
        TestDomain.virsh("start", copy.name());
    }

    /**
     * {@link #run} as a transient domain (started, never defined): it goes when it is destroyed, so that a removal meets
     * {@code VIR_ERR_NO_DOMAIN} at its undefine, as when another cleaner removed it meanwhile.
     */
    void runTransient(DrillCopy copy) throws Exception {
        Path xml = prepare(copy);
        transients.add(copy.name());
        TestDomain.virsh("create", xml.toString());
    }

    private Path prepare(DrillCopy copy) throws Exception {
        Files.createDirectories(copy.directory());
        Files.writeString(copy.directory().resolve("disk.qcow2"), "a copy's disk");
        String type = System.getenv().getOrDefault("COFFER_TEST_DOMAIN_TYPE",
                Files.exists(Path.of("/dev/kvm")) ? "kvm" : "qemu");
        Path xml = dir.resolve(copy.name() + ".xml");
        Files.writeString(xml, """
                <domain type='%s'>
                  <name>%s</name>
                  <description>%s</description>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64'>hvm</type></os>
                  <on_poweroff>destroy</on_poweroff>
                  <devices></devices>
                </domain>
                """.formatted(type, copy.name(), copy.description()));
        return xml;
    }

    @Override
    public void close() throws Exception {
        for (String name : transients) {
            if (libvirt.domain(name).isPresent()) {
                libvirt.destroy(name);
            }
        }
        for (String name : defined) {
            if (libvirt.domain(name).isPresent()) {
                new DrillCopy(name, dir.resolve("none"), "p", 0, "").remove(libvirt, false);
            }
        }
    }
}

package coffer.server.console;

import coffer.testing.Environment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test support: a libvirt domain with no disk (type {@code qemu}, 64 MiB, one vCPU), defined on {@code qemu:///system}
 * by {@code virsh} under a new UUID, for the console to list and name; closing undefines it. Register it with
 * {@link BrowserTests#made} so that it goes whatever the test's outcome.
 *
 * @param name the domain's name, as given (any text libvirt accepts)
 * @param uuid its UUID
 */
record BareDomain(String name, String uuid) implements AutoCloseable {

    /** Defines the domain, its XML written in {@code dir}; skips the test where {@code virsh} is missing. */
    static BareDomain define(Path dir, String name) throws Exception {
        Environment.requireCommand("virsh");
        String uuid = UUID.randomUUID().toString();
        Path xml = dir.resolve("domain-" + uuid + ".xml");
        Files.writeString(xml, """
                <domain type='qemu'><name>%s</name><uuid>%s</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
                <os><type arch='x86_64'>hvm</type></os></domain>
                """.formatted(name, uuid));
        BareDomain domain = new BareDomain(name, uuid);
        try {
            virsh(true, "define", xml.toString());
        } catch (Exception | AssertionError e) {
            domain.close();
            throw e;
        }
        return domain;
    }

    @Override
    public void close() throws Exception {
        virsh(false, "undefine", uuid, "--nvram");
    }

    private static void virsh(boolean check, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (check) {
            assertEquals(0, rc, String.join(" ", command) + ": " + output);
        }
    }
}

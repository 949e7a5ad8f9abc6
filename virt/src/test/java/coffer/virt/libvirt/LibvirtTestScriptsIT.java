package coffer.virt.libvirt;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/make-test-domain and scripts/remove-test-domain, which other modules' tests and people use. */
class LibvirtTestScriptsIT extends WithTestDomains {
    private static String script(String name, String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = TestDomains.script(name).toString();
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        return TestDomains.output(Map.of("COFFER_DOMAIN_TYPE", TestDomains.domainType()), command).strip();
    }

    @Test
    void makeTestDomainStartsADomainWithTheAskedDisksAndRemoveTestDomainDeletesItAll() throws Exception {
        String name = TestDomains.uniqueName("script");
        domains.adopt(name);
        assertEquals(name, script("make-test-domain", name, dir.toString(), "--formats", "qcow2,raw",
                "--size-mb", "8"));

        DomainInfo info = libvirt.domain(name).orElseThrow();
        assertEquals(DomainState.RUNNING, info.state());
        assertTrue(info.persistent());
        String xml = libvirt.domainXml(name, false);
        assertTrue(xml.contains("<domain type='" + TestDomains.domainType() + "'"), xml);
        Path vda = dir.resolve(name + "-vda.qcow2");
        Path vdb = dir.resolve(name + "-vdb.raw");
        assertTrue(xml.contains("<source file='" + vda + "'"), xml);
        assertTrue(xml.contains("<source file='" + vdb + "'"), xml);
        assertEquals(8L << 20, Files.size(vdb));
        libvirt.createCheckpoint(name, LibvirtCheckpointIT.checkpoint("c1", "vda"), 0);

        script("remove-test-domain", name);
        assertTrue(libvirt.domain(name).isEmpty());
        assertFalse(Files.exists(vda));
        assertFalse(Files.exists(vdb));
        assertEquals(List.of(), List.of(dir.toFile().list()));
        script("remove-test-domain", name); // gone already: not an error
    }

    @Test
    void removeTestDomainRefusesADomainItDidNotMake() throws Exception {
        String name = domains.define("foreign", 8, "qcow2");
        String xml = libvirt.domainXml(name, true).replace("<description>coffer test domain</description>", "");
        libvirt.define(xml);
        AssertionError refused = assertThrows(AssertionError.class, () -> script("remove-test-domain", name));
        assertTrue(refused.getMessage().contains("not a coffer test domain"), refused.getMessage());
        assertTrue(libvirt.domain(name).isPresent());
        assertTrue(Files.exists(domains.disk(name, "vda", "qcow2")));
    }
}

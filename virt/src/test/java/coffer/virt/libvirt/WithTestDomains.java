package coffer.virt.libvirt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Test support: the set-up the libvirt tests share. Each test gets its own directory, {@link TestDomains} on it (the
 * machine checks run first: skipped, in CI failed, without libvirtd) and its {@link Libvirt} connection; every domain
 * made is removed after the test whatever happened.
 */
abstract class WithTestDomains {
    @TempDir
    Path dir;

    TestDomains domains;
    Libvirt libvirt;

    @BeforeEach
    void connect() throws Exception {
        domains = TestDomains.open(dir);
        libvirt = domains.libvirt();
    }

    @AfterEach
    void removeDomains() {
        if (domains != null) {
            domains.close();
        }
    }
}

package coffer.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The set-up the agent ITs share: a temporary directory and an {@link AgentCluster} in it, made before each test and
 * closed after it (its processes stopped, whatever the test did). Tagged {@code own-jvm}: the agent ITs run in a
 * surefire execution of their own (cli/pom.xml), as one of them names a host on libvirt's embedded QEMU driver.
 */
@Tag("own-jvm")
abstract class WithAgentCluster {
    @TempDir Path dir;
    AgentCluster fixture;

    @BeforeEach
    void startCluster() {
        fixture = new AgentCluster(dir);
    }

    @AfterEach
    void closeCluster() {
        fixture.close();
    }
}

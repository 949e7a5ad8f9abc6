package coffer.engine.instance;

import coffer.engine.JobProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tests on {@link InstanceFixture} rely on: closing it (after each test, whatever its outcome) removes every
 * domain made through it, running or shut off, and with them their checkpoints (what a failed test leaves); the vault
 * and the runtime directory are where the fixture says.
 */
class InstanceFixtureIT {
    @TempDir Path dir;

    @Test
    void closingRemovesEveryDomainMadeThroughItWhateverStateTheTestLeftItIn() throws Exception {
        List<String> names;
        InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
        fx.open();
        try (fx) {
            assertTrue(Files.isDirectory(dir.resolve("run")), "run/");
            assertTrue(Files.isDirectory(dir.resolve("vault")), "vault/");
            assertEquals(256 * 1024, fx.vault().chunkSize());
            TestDomain running = fx.domain(Map.of("vda", "qcow2"), 8);
            TestDomain shutOff = fx.domain(Map.of("vda", "qcow2"), 8);
            new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                    new InstanceBackup.Request(running.name, Set.of(), 2, PointFacts.NONE),
                    JobProgress.NONE);
            TestDomain.virsh("destroy", shutOff.name);
            names = List.of(running.name, shutOff.name);
            for (String name : names) {
                assertTrue(defined(name), name + " defined while the fixture is open");
            }
        }
        for (String name : names) {
            assertFalse(defined(name), name + " left defined after close");
        }
    }

    private static boolean defined(String name) {
        return TestDomain.run(false, "virsh", "-c", InstanceFixture.URI, "dominfo", name).exitCode() == 0;
    }
}

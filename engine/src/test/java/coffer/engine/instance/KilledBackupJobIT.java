package coffer.engine.instance;

import coffer.testing.Await;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup process killed with SIGKILL while its pull-mode job runs: the job ends at once, by the run's guard, not at
 * the instance's next backup or a server's start (docs/reliability.md, session 19); the domain runs on.
 */
class KilledBackupJobIT {
    private static final Duration LIMIT = Duration.ofMinutes(1);
    @TempDir Path dir;
    Path runtime;
    Libvirt libvirt;
    TestDomain domain;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        runtime = Files.createDirectories(dir.resolve("run"));
        Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024,
                new LocalKeyRing(dir.resolve("keyring.json"))).close();
        libvirt = Libvirt.connect("qemu:///system");
    }

    @AfterEach
    void tearDown() {
        if (domain != null) {
            domain.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @Test
    void theJobOfAKilledBackupEndsWithoutAnyNextRun() throws Exception {
        domain = TestDomain.create(dir, Map.of("vda", "qcow2"), 32);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, BackupProcessMain.class.getName(), domain.name,
                dir.resolve("vault").toString(), dir.resolve("keyring.json").toString(), runtime.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        try {
            // it holds at its first progress report, while libvirt's backup job runs, until killed
            Await.until(() -> {
                if (!killed.isAlive()) {
                    throw new AssertionError("the backup process ended early: " + Files.readString(dir.resolve("killed.log")));
                }
                return backupJobRunning(false);
            }, LIMIT, "the backup job of the process to kill runs");
        } finally {
            killed.destroyForcibly().waitFor();
        }
        Await.until(() -> !backupJobRunning(true), LIMIT, "no backup job on the domain of the killed backup");
        assertTrue(libvirt.domain(domain.name).orElseThrow().state().active(), "the domain runs on");
    }

    /** Job stats fail with "backup job data missing" while libvirt starts or ends a backup: {@code meanwhile}, then. */
    private boolean backupJobRunning(boolean meanwhile) {
        try {
            return libvirt.job(domain.name).map(j -> j.isBackup()).orElse(false);
        } catch (IOException startingOrEnding) {
            return meanwhile;
        }
    }
}

package coffer.engine.instance;

import coffer.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
    TestDomain domain;

    @Test
    void theJobOfAKilledBackupEndsWithoutAnyNextRun() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 32);
        try (BackupProcessMain.Held killed = BackupProcessMain.start(dir, fx, domain.name)) {
            // it holds at its first progress report, while libvirt's backup job runs, until killed
            killed.awaitWhileAlive(() -> backupJobRunning(false), LIMIT, "the backup job of the process to kill runs");
        }
        Await.until(() -> !backupJobRunning(true), LIMIT, "no backup job on the domain of the killed backup");
        assertTrue(fx.libvirt().domain(domain.name).orElseThrow().state().active(), "the domain runs on");
    }

    /** Job stats fail with "backup job data missing" while libvirt starts or ends a backup: {@code meanwhile}, then. */
    private boolean backupJobRunning(boolean meanwhile) {
        try {
            return fx.libvirt().job(domain.name).map(j -> j.isBackup()).orElse(false);
        } catch (IOException startingOrEnding) {
            return meanwhile;
        }
    }
}

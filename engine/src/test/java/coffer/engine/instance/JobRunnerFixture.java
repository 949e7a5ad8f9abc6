package coffer.engine.instance;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.job.Job;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.operation.BackupInstance;
import coffer.engine.vault.LocalVaults;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shared set-up of the engine's job tests on real instances: an encrypted local vault ({@code default}), a SQLite
 * catalog with the host {@code local} (qemu:///system), a restore directory and a running {@link JobRunner} with every
 * handler (heartbeat 500 ms). The test brings its instance (a test guest or a test domain) and backs it up with
 * {@link #backUp}.
 *
 * <p>Not thread-safe; one per test.
 */
final class JobRunnerFixture implements AutoCloseable {
    final LocalVaults vaults;
    final Catalog catalog;
    final JobRunner runner;
    final Path restores;

    private JobRunnerFixture(LocalVaults vaults, Catalog catalog, JobRunner runner, Path restores) {
        this.vaults = vaults;
        this.catalog = catalog;
        this.runner = runner;
        this.restores = restores;
    }

    /** Everything under {@code dir}: {@code vault/}, {@code catalog.db}, {@code restores/}, {@code run/}. */
    static JobRunnerFixture start(Path dir) throws IOException {
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Path keyRing = dir.resolve("keyring.json");
        Vault.create(new LocalDirectoryBackend(vaultDir), 256 * 1024, new LocalKeyRing(keyRing)).close();
        LocalVaults vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(vaultDir, keyRing)), "default");
        Catalog catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")));
        catalog.hosts().ensure("local", "qemu:///system");
        Path restores = Files.createDirectories(dir.resolve("restores"));
        JobRunner runner = new JobRunner(catalog, JobRunner.newWorkerId(), JobHandlers.handlers(catalog, vaults,
                Files.createDirectories(dir.resolve("run")), RestoreDirectories.under(List.of(restores))),
                JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5)));
        runner.start();
        return new JobRunnerFixture(vaults, catalog, runner, restores);
    }

    /** The instance named {@code name} on host {@code local}, discovered again from libvirt. */
    Instance instance(String name) {
        return new InstanceRefresh(catalog, Clock.systemUTC()).refresh("local").stream()
                .filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    /** Submits {@code operation}'s job on host {@code local} and waits up to {@code timeout} for its end. */
    Job run(coffer.engine.operation.JobOperation<?> operation, Duration timeout) throws InterruptedException {
        return awaitEnd(catalog.jobs().submit(operation, "local"), timeout);
    }

    Job awaitEnd(Job job, Duration timeout) throws InterruptedException {
        return JobEnd.await(catalog.jobs(), job, timeout);
    }

    /** A manual backup job of {@code instance} (kept 7 days), succeeded. */
    Job backUp(Instance instance) throws InterruptedException {
        Job backup = run(new BackupInstance(instance.id(), null, null, 7, null, false, null, null, null), Duration.ofMinutes(5));
        assertEquals(JobState.succeeded, backup.state(), backup.errorCode() + ": " + backup.errorMessage());
        return backup;
    }

    @Override
    public void close() {
        runner.close();
        catalog.close();
        vaults.close();
    }
}

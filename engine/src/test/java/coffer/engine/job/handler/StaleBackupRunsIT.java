package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.instance.BackupProcessMain;
import coffer.engine.instance.InstanceFixture;
import coffer.engine.instance.TestDomain;
import coffer.testing.Await;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a backup run of a killed server leaves on a running instance (its runtime directory with the socket and scratch
 * file, and its pull-mode backup job should the run's guard not have ended it) is removed at the next server's start,
 * not only by the instance's next backup (docs/reliability.md, session 19).
 */
class StaleBackupRunsIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
    Path runtime;
    Libvirt libvirt;
    TestDomain domain;
    Catalog catalog;

    @BeforeEach
    void setUp() throws Exception {
        runtime = fx.runtime();
        libvirt = fx.libvirt();
        catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")));
        catalog.hosts().ensure("local", InstanceFixture.URI);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void theBackupJobSocketAndScratchOfAKilledRunAreRemovedAtStartAndALiveRunsDirectoryIsKept() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 32);
        domain.write("vda", 4L << 20, 65536, 0x5a);
        try (BackupProcessMain.Held killed = BackupProcessMain.start(dir, fx, domain.name)) {
            // it holds at its first progress report, while libvirt's backup job runs, until killed
            killed.awaitWhileAlive(() -> backupJobRunning() && !libvirt.checkpoints(domain.name).isEmpty(), LIMIT,
                    "the backup job of the process to kill runs");
        }
        // its job ends by the run's guard (KilledBackupJobIT), or else here; its runtime directory stays
        assertEquals(1, runDirectories().size(), "the killed run left its runtime directory (socket, scratch file)");
        // a run of a live process (this one) on the same instance is not touched
        Path live = Files.createDirectories(runtime.resolve(domainUuidPrefix() + ".0000abcd"));
        Files.writeString(live.resolve("owner"), Long.toString(ProcessHandle.current().pid()));

        List<String> done = new StaleBackupRuns(catalog, runtime).cleanAll();

        assertTrue(done.stream().anyMatch(d -> d.contains(domain.name) && d.contains("interrupted run")), done.toString());
        Await.until(() -> !backupJobRunning(), LIMIT, "no backup job on the domain");
        assertEquals(List.of(live), runDirectories(), "the killed run's directory removed, the live one's kept");
        assertTrue(libvirt.domain(domain.name).orElseThrow().state().active(), "the domain still runs");
        assertEquals(List.of(), new StaleBackupRuns(catalog, runtime).cleanAll().stream()
                .filter(d -> d.contains(domain.name)).toList(), "nothing left to do at the next start");
        Files.delete(live.resolve("owner"));
        Files.delete(live);
    }

    private String domainUuidPrefix() throws Exception {
        return libvirt.domain(domain.name).orElseThrow().uuid().substring(0, 8);
    }

    private List<Path> runDirectories() throws IOException {
        try (Stream<Path> runs = Files.list(runtime)) {
            return runs.sorted().toList();
        }
    }

    /** Job stats fail with "backup job data missing" while libvirt starts or ends a backup: not yet, then. */
    private boolean backupJobRunning() {
        try {
            return libvirt.job(domain.name).map(j -> j.isBackup()).orElse(false);
        } catch (IOException startingOrEnding) {
            return false;
        }
    }
}

package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.instance.BackupProcessMain;
import coffer.engine.instance.TestDomain;
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
    Path runtime;
    Libvirt libvirt;
    TestDomain domain;
    Catalog catalog;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        runtime = Files.createDirectories(dir.resolve("run"));
        Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024,
                new LocalKeyRing(dir.resolve("keyring.json"))).close();
        libvirt = Libvirt.connect("qemu:///system");
        catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")));
        catalog.hosts().ensure("local", "qemu:///system");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (domain != null) {
            domain.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @Test
    void theBackupJobSocketAndScratchOfAKilledRunAreRemovedAtStartAndALiveRunsDirectoryIsKept() throws Exception {
        domain = TestDomain.create(dir, Map.of("vda", "qcow2"), 32);
        domain.write("vda", 4L << 20, 65536, 0x5a);
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
                return backupJobRunning() && !libvirt.checkpoints(domain.name).isEmpty();
            }, LIMIT, "the backup job of the process to kill runs");
        } finally {
            killed.destroyForcibly().waitFor();
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

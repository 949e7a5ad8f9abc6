package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.Await;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.domain.TestDriverDomain;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A backup into a vault that is still opening ({@link InstanceBackup#intoOpening}: the command line opens its vault
 * while the backup asks libvirt about the domain, docs/performance.md, session 25). The domain's side goes on before
 * the vault is open (its scratch images are made, its abort guard's helper started) and the point is as exact as ever;
 * a vault that fails to open fails the backup with the vault's own error and leaves nothing: no run directory, no
 * scratch image, no guard helper still running.
 */
class OpeningVaultBackupIT {
    private static final Duration LIMIT = Duration.ofMinutes(1);
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);

    @Test
    void theDomainIsPreparedWhileTheVaultOpensAndThePointRestoresExactly() throws Exception {
        TestDomain domain = fx.domain(Map.of("vda", "qcow2"), 16);
        domain.writeRandom("vda", 3L << 20, 1 << 20, 25);
        String uuid = fx.libvirt().domain(domain.name).orElseThrow().uuid();
        CompletableFuture<Vault> opening = new CompletableFuture<>();
        CompletableFuture<InstanceBackup.Result> backup = CompletableFuture.supplyAsync(() ->
                InstanceBackup.intoOpening(fx.libvirt(), opening, fx.runtime()).run(
                        new InstanceBackup.Request(domain.name, Set.of(), 2, null), JobProgress.NONE));
        // the scratch image is made and the guard's helper runs, while the vault has not opened
        Await.until(() -> scratchImages(fx.runtime()) == 1 && !guardHelpers(uuid).isEmpty(), LIMIT,
                () -> "the domain's side prepared before the vault opened");
        assertFalse(backup.isDone(), "the backup waits for its vault");
        assertFalse(fx.libvirt().job(domain.name).isPresent(), "no backup job before the vault opened");
        opening.complete(fx.vault());
        InstanceBackup.Result result = backup.join();

        Path restored = dir.resolve("restored.raw");
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(result.point().id(), "vda", restored, ImageFormat.RAW,
                false, JobProgress.NONE);
        assertEquals(domain.sha("vda"), TestData.sha256(restored), "the point restores exactly");
        Await.until(() -> guardHelpers(uuid).isEmpty(), LIMIT, () -> "the abort guard's helper ended: " + guardHelpers(uuid));
        assertEquals(0, scratchImages(fx.runtime()), "no scratch image left");
    }

    /**
     * A running domain of libvirt's test driver: the backup gets as far as its scratch images and its guard's helper
     * while the vault opens; then the vault fails to open. (The test driver refuses QEMU monitor commands, so the plan
     * would fail too, with another code: the vault's failure is the one reported, as when the vault opened first.)
     */
    @Test
    void aVaultThatFailsToOpenFailsTheBackupWithItsErrorAndLeavesNothing() throws Exception {
        String uuid = "6f1c2a8e-3c1d-4e55-9a53-0c0ffe725001";
        String uri = testDriverDomain("coffer-fixed25-opening", uuid);
        Path runtime = Files.createDirectories(dir.resolve("run-test-driver"));
        try (Libvirt libvirt = Libvirt.connect(uri)) {
            CompletableFuture<Vault> opening = new CompletableFuture<>();
            CompletableFuture<InstanceBackup.Result> backup = CompletableFuture.supplyAsync(() ->
                    InstanceBackup.intoOpening(libvirt, opening, runtime).run(
                            new InstanceBackup.Request("coffer-fixed25-opening", Set.of(), 1, null), JobProgress.NONE));
            Await.until(() -> scratchImages(runtime) == 1 && !guardHelpers(uuid).isEmpty(), LIMIT,
                    () -> "the domain's side prepared before the vault opened");
            opening.completeExceptionally(new CofferException(ErrorCode.KeyUnavailable, "the test's vault key is not here"));
            CofferException failure = assertThrows(CofferException.class, () -> {
                try {
                    backup.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause();
                }
            });
            assertEquals(ErrorCode.KeyUnavailable, failure.code(), failure.getMessage());
            try (Stream<Path> left = Files.walk(runtime)) {
                assertEquals(List.of(runtime), left.toList(), "the run directory and its scratch image are gone");
            }
            Await.until(() -> guardHelpers(uuid).isEmpty(), LIMIT, () -> "the guard's helper ended: " + guardHelpers(uuid));
        }
    }

    /** A running test-driver domain {@code name} with one 64 MiB qcow2 disk; its URI. */
    private String testDriverDomain(String name, String uuid) throws Exception {
        TestDomain.requireLibvirt();
        Environment.requireCommand("qemu-img");
        Path disk = dir.resolve("vda.qcow2");
        Process created = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M")
                .inheritIO().start();
        assertEquals(0, created.waitFor());
        return TestDriverDomain.of(name, uuid, disk).writeNode(dir.resolve("node.xml"));
    }

    private static long scratchImages(Path runtime) throws IOException {
        try (Stream<Path> files = Files.walk(runtime)) {
            return files.filter(f -> f.getFileName().toString().startsWith("scratch-")).count();
        }
    }

    /** The pids of this host's processes whose command line names {@code domjobabort} of the domain {@code uuid}. */
    private static List<Long> guardHelpers(String uuid) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                String line = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                return line.contains("domjobabort") && line.contains(uuid);
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        }).map(ProcessHandle::pid).toList();
    }
}

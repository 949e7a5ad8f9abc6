package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.Environment;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.domain.TestDriverDomain;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A backup whose planning fails after its overlapped steps began (the previous point read on its own thread, the
 * scratch images made on another: docs/performance.md, session 12) leaves nothing: no run directory, no scratch
 * image, no point. The domain is a running one of libvirt's test driver (a node file, no daemon), which answers
 * the domain's XML, its disks' sizes and its checkpoints but refuses QEMU monitor commands, so the plan fails at
 * the bitmap query, after the scratch images were started.
 */
class PreparationFailureIT {
    @TempDir Path dir;

    @Test
    void aPlanThatFailsAfterTheScratchImagesStartedLeavesNothing() throws Exception {
        String uri = testDomain("coffer-prepare-fails", "6f1c2a8e-3c1d-4e55-9a53-0c0ffe700002");
        try (Vault vault = vault();
             Libvirt libvirt = Libvirt.connect(uri)) {
            CofferException failure = assertThrows(CofferException.class, () -> new InstanceBackup(libvirt, vault, runtime())
                    .run(new InstanceBackup.Request("coffer-prepare-fails", Set.of(), 1, null), JobProgress.NONE));
            assertEquals(ErrorCode.HypervisorFailure, failure.code(), failure.getMessage());
            assertNoRunDirectory();
            assertNull(vault.newest(point -> true), "no point");
        }
    }

    /**
     * The point is named, its run directory made and its scratch images started before the writer takes the vault's
     * shared lock (docs/design/backup-flow.md, step 4): a lock that cannot be taken (here: {@code locks} is a file, so
     * the lock object cannot be written) fails the backup and leaves nothing either.
     */
    @Test
    void aBackupWhoseVaultLockCannotBeTakenLeavesNothing() throws Exception {
        String uri = testDomain("coffer-lock-fails", "6f1c2a8e-3c1d-4e55-9a53-0c0ffe700003");
        try (Vault vault = vault();
             Libvirt libvirt = Libvirt.connect(uri)) {
            Files.writeString(dir.resolve("vault").resolve("locks"), "not a directory");
            assertThrows(CofferException.class, () -> new InstanceBackup(libvirt, vault, runtime())
                    .run(new InstanceBackup.Request("coffer-lock-fails", Set.of(), 1, null), JobProgress.NONE));
            assertNoRunDirectory();
            Path points = dir.resolve("vault").resolve("points");
            if (Files.exists(points)) {
                try (Stream<Path> written = Files.list(points)) {
                    assertEquals(List.of(), written.toList(), "nothing of the point was written");
                }
            }
        }
    }

    /** A running test-driver domain {@code name} with one 64 MiB qcow2 disk; its URI. */
    private String testDomain(String name, String uuid) throws Exception {
        TestDomain.requireLibvirt();
        Environment.requireCommand("qemu-img");
        Path disk = dir.resolve("vda.qcow2");
        Process created = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M")
                .inheritIO().start();
        assertEquals(0, created.waitFor());
        return TestDriverDomain.of(name, uuid, disk).writeNode(dir.resolve("node.xml"));
    }

    private Vault vault() throws Exception {
        return Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024,
                new LocalKeyRing(dir.resolve("keyring.json")));
    }

    private Path runtime() throws Exception {
        return Files.createDirectories(dir.resolve("run"));
    }

    private void assertNoRunDirectory() throws Exception {
        try (Stream<Path> left = Files.walk(runtime())) {
            assertEquals(List.of(runtime()), left.toList(), "the run directory and its scratch images are gone");
        }
    }
}

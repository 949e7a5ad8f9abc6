package coffer.engine.instance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A run's directory (NBD socket, scratch images) is owner-only whatever the umask and the root's mode. */
class RuntimeDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aRunsDirectoryAndANewRootAreOwnerOnly() throws Exception {
        Path root = dir.resolve("run");
        try (RuntimeDirectory run = RuntimeDirectory.create(root, "6c0887ce-1111-2222-3333-444455556666", "20260101-000000-3fa2b9c1")) {
            assertEquals("rwx------", mode(root));
            assertEquals("rwx------", mode(run.path()));
            assertEquals("rw-------", mode(run.path().resolve("owner")));
            assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(run.path().resolve("owner")));
        }
    }

    @Test
    void anExistingSharedRootKeepsItsModeAndTheRunsDirectoryIsOwnerOnly() throws Exception {
        Path root = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path made;
        try (RuntimeDirectory run = RuntimeDirectory.create(root, "6c0887ce-1111", "20260101-000000-3fa2b9c1")) {
            made = run.path();
            assertEquals("rwx------", mode(made));
            assertEquals("rwxrwxrwx", mode(root));
        }
        assertFalse(Files.exists(made), "removed when the run ends");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}

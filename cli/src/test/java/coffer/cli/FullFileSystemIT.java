package coffer.cli;

import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.vault.fs.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vault on a real 48 MiB file system (a tmpfs mounted for the test; needs root): backing up a 128 MiB image
 * fails with StorageFailure, whose remedy says what frees space; the failed backup removes the chunks it wrote,
 * so the file system is as free as before, and a later 8 MiB backup succeeds while the earlier point still
 * restores bit-identical.
 */
class FullFileSystemIT {
    @TempDir Path dir;

    @Test
    void aBackupThatFillsTheFileSystemGivesItsSpaceBackAndTheNextBackupSucceeds() throws Exception {
        Environment.need("root".equals(System.getProperty("user.name")), "root, to mount a small tmpfs");
        Path mount = Files.createDirectories(dir.resolve("small"));
        String mounted = ServerCliIT.run("mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", mount.toString());
        Environment.need(mounted.startsWith("ok"), "mount -t tmpfs: " + mounted);
        try {
            Path keyRing = dir.resolve("keyring.json");
            Path vault = mount.resolve("vault");
            CliRun.run(keyRing, "vault", "init", vault.toString()).ok();
            Path small = TestData.writeRandom(dir.resolve("small.raw"), 2L << 20, 1);
            String kept = point(CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "small",
                    small.toString()).ok());
            long freeBefore = free(mount);
            List<Path> chunksBefore = files(vault.resolve("chunks"));

            Path big = TestData.writeRandom(dir.resolve("big.raw"), 128L << 20, 2);
            CliRun failed = CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "big", big.toString())
                    .fails(1, "StorageFailure");
            assertTrue(failed.err().contains("No space left on device"), failed.err());
            assertTrue(failed.err().contains("'coffer vault gc'") && failed.err().contains("removes the chunks it wrote"),
                    "the remedy says what frees space: " + failed.err());

            assertEquals(chunksBefore, files(vault.resolve("chunks")), "the failed backup removed the chunks it wrote");
            assertTrue(free(mount) >= freeBefore - (64 << 10), "free before " + freeBefore + ", after " + free(mount));
            List<Path> leftovers = new ArrayList<>();
            FileTree.walkFiles(vault, p -> {
                if (p.toString().contains("~tmp~") || vault.relativize(p).startsWith("locks")) {
                    leftovers.add(p);
                }
            });
            assertEquals(List.of(), leftovers, "no temporary or lock left");

            Path later = TestData.writeRandom(dir.resolve("later.raw"), 8L << 20, 3);
            CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "later", later.toString()).ok();
            Path restored = dir.resolve("restored.raw");
            CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), kept, "--to", restored.toString()).ok();
            assertEquals(-1, Files.mismatch(small, restored), "the earlier point restores bit-identical");
            CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString()).ok();
        } finally {
            ServerCliIT.run("umount", mount.toString());
        }
    }

    private static String point(CliRun run) {
        Matcher m = Pattern.compile("Point (\\S+) of").matcher(run.out());
        assertTrue(m.find(), run.out());
        return m.group(1);
    }

    private static long free(Path path) throws Exception {
        FileStore store = Files.getFileStore(path);
        return store.getUsableSpace();
    }

    private static List<Path> files(Path root) throws Exception {
        List<Path> files = new ArrayList<>();
        FileTree.walkFiles(root, files::add);
        files.sort(null);
        return files;
    }
}

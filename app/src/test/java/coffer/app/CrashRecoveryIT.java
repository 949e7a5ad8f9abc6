package coffer.app;

import coffer.testing.TestData;
import coffer.vault.fs.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a real {@code coffer} process in the middle of a backup: the vault stays readable, no partial
 * point is listed, the earlier point restores bit-identical, and gc removes every leftover.
 */
class CrashRecoveryIT {
    @TempDir Path dir;

    @Test
    void killDuringBackupLeavesVaultReadableAndGcRemovesLeftovers() throws Exception {
        Path vault = dir.resolve("vault");
        Path keyRing = dir.resolve("keyring.json");
        Path small = dir.resolve("small.raw");
        TestData.writeRandom(small, 2L << 20, 1);
        assertEquals(0, coffer(keyRing, "vault", "init", vault.toString(), "--chunk-size", "256K").waitFor());
        assertEquals(0, coffer(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "keep", small.toString()).waitFor());
        List<Path> chunksBefore = files(vault.resolve("chunks"));

        Path big = dir.resolve("big.raw");
        TestData.writeRandom(big, 768L << 20, 2);
        Process backup = coffer(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "doomed", "--threads", "1",
                big.toString());
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (files(vault.resolve("chunks")).size() < chunksBefore.size() + 20) {
                assertTrue(backup.isAlive(), "backup ended before it could be killed");
                assertTrue(Instant.now().isBefore(deadline), "backup wrote no chunks within 60 s");
                Thread.onSpinWait();
            }
        } finally {
            backup.destroyForcibly(); // SIGKILL, also when the wait above failed
            backup.waitFor();
        }
        assertTrue(files(vault.resolve("chunks")).size() > chunksBefore.size(), "the killed backup left chunks behind");

        String list = output(coffer(keyRing, "point", "list", "--vault", vault.toString()));
        assertTrue(list.contains("keep"), list);
        assertFalse(list.contains("doomed"), "no partial point is listed: " + list);
        assertEquals(0, coffer(keyRing, "vault", "verify", "--vault", vault.toString()).waitFor());
        Path restored = dir.resolve("restored.raw");
        assertEquals(0, coffer(keyRing, "image", "restore", "--vault", vault.toString(), "keep", "--to", restored.toString()).waitFor());
        assertEquals(-1, Files.mismatch(small, restored), "the earlier point restores bit-identical");

        String gc = output(coffer(keyRing, "vault", "gc", "--vault", vault.toString(), "--grace", "0s", "--wait", "10s"));
        assertTrue(gc.contains("Removed"), gc);
        assertEquals(chunksBefore, files(vault.resolve("chunks")), "gc leaves exactly the live chunks");
        try (Stream<Path> all = Files.walk(vault)) {
            List<String> leftovers = all.filter(Files::isRegularFile).map(p -> vault.relativize(p).toString())
                    .filter(p -> p.contains("~tmp~") || p.startsWith("locks/")).toList();
            assertEquals(List.of(), leftovers, "no temporaries or locks remain");
        }
        try (Stream<Path> points = Files.list(vault.resolve("points"))) {
            assertEquals(1, points.count(), "the unfinished point's objects are gone");
        }
        assertEquals(0, coffer(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "after", small.toString()).waitFor());
    }

    private Process coffer(Path keyRing, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", classPath, "coffer.app.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--keyring", keyRing.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("process-" + System.nanoTime() + ".log").toFile()).start();
    }

    private String output(Process process) throws Exception {
        process.waitFor();
        Path log;
        try (Stream<Path> logs = Files.list(dir)) {
            log = logs.filter(p -> p.getFileName().toString().startsWith("process-"))
                    .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).orElseThrow();
        }
        return Files.readString(log);
    }

    /** The regular files under {@code root}, sorted; a running backup renames and deletes temporaries meanwhile. */
    private static List<Path> files(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        FileTree.walkFiles(root, files::add);
        files.sort(null);
        return files;
    }
}

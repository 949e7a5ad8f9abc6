package coffer.vault.trace;

import coffer.testing.TestVault;
import coffer.vault.backend.LocalDirectoryBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code COFFER_TRACE}'s one printer (docs/performance.md): a traced point write prints its disk writer's stages and
 * its commit's barriers through {@link PhaseTrace}, every line in its one format; untraced, nothing is printed, on
 * stderr or elsewhere. Before, the write path read the variable itself and printed on stderr in a format of its own.
 */
class WriteTraceTest {
    /** {@code trace <seconds> s  <what> [<thread>]}. */
    private static final Pattern LINE = Pattern.compile("trace +\\d+\\.\\d{3} s  \\S.* \\[[^]]+]");
    private static final int MIB = 1 << 20;

    @TempDir Path dir;

    @Test
    void aTracedWriteLinesUpItsStagesAndBarriersInTheOneFormat() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (TestVault vault = TestVault.create(new LocalDirectoryBackend(dir.resolve("vault")), null);
             PhaseTrace.Printing traced = PhaseTrace.printTo(lines::add)) {
            assertTrue(PhaseTrace.on());
            vault.backup("traced", disk());
        }
        assertTrue(lines.stream().allMatch(l -> LINE.matcher(l).matches()), "one format: " + lines);
        List<String> stages = lines.stream().filter(l -> l.contains("  stages of vda (thread time): extents ")).toList();
        assertEquals(1, stages.size(), "one line of stages for the one disk: " + lines);
        assertTrue(stages.getFirst().contains(", read ") && stages.getFirst().contains(", put "), stages.getFirst());
        assertFalse(stages.getFirst().contains("read 0.000 s/0"), "the reads were counted: " + stages.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.contains("  barrier of the chunks: ")), "the chunks' barrier: " + lines);
    }

    @Test
    void anUntracedWritePrintsNothing() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (PhaseTrace.Printing traced = PhaseTrace.printTo(lines::add)) {
            try (PhaseTrace.Printing off = PhaseTrace.printTo(null);
                 TestVault vault = TestVault.create(new LocalDirectoryBackend(dir.resolve("vault")), null)) {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                assertFalse(PhaseTrace.on());
                vault.backup("untraced", disk());
                new PhaseTrace().mark("a phase");
            } finally {
                System.setErr(stderr);
            }
            assertTrue(PhaseTrace.on(), "closing the switch turns it back");
        }
        assertEquals(List.of(), lines, "nothing while off");
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("trace"), "nothing on stderr: " + err);
    }

    /** 4 MiB with data in its first and third MiB. */
    private static byte[] disk() {
        byte[] disk = new byte[4 * MIB];
        Arrays.fill(disk, 0, MIB, (byte) 0x5a);
        Arrays.fill(disk, 2 * MIB, 3 * MIB, (byte) 0x3c);
        return disk;
    }
}

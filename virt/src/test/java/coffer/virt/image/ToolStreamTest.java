package coffer.virt.image;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Tool#stream}: a program's stdout read as it is written, with {@link Tool#run}'s time limit, kill, stderr and
 * exit status. Real programs ({@code sh}, {@code sleep}, {@code yes}); nothing is left running.
 */
class ToolStreamTest {
    private static final Duration LIMIT = Duration.ofSeconds(2);

    @Test
    void aProgramThatHangsIsKilledAndTheErrorNamesIt() {
        ExternalToolException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                ExternalToolException.class, () -> Tool.stream(List.of("sh", "-c", "echo started; echo stuck >&2;"
                        + " exec sleep 600"), LIMIT, "a test's hang", out -> new String(out.readAllBytes(),
                        StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("a test's hang: sh did not finish within PT2S"), e.getMessage());
        assertEquals(ExternalToolException.NO_EXIT_STATUS, e.exitStatus());
        assertEquals("stuck", e.stderr().strip(), "the end of its stderr");
        assertNothingLeftRunning();
    }

    @Test
    void aProgramThatFailsAfterItsOutputIsItsExitStatusAndStderr() {
        ExternalToolException e = assertThrows(ExternalToolException.class, () -> Tool.stream(List.of("sh", "-c",
                "echo half; echo broken >&2; exit 3"), LIMIT, "a test's failure", out -> new String(out.readAllBytes(),
                StandardCharsets.UTF_8)));
        assertEquals(3, e.exitStatus());
        assertTrue(e.getMessage().startsWith("a test's failure (exit status 3): broken"), e.getMessage());
        assertNothingLeftRunning();
    }

    @Test
    void aReaderThatHasWhatItNeedsStopsTheProgramWithoutError() throws Exception {
        String first = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Tool.stream(List.of("yes", "coffer"),
                Duration.ofSeconds(30), "a test's endless output",
                out -> new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8)).readLine()));
        assertEquals("coffer", first);
        assertNothingLeftRunning();
    }

    @Test
    void aWholeOutputIsReturned() throws Exception {
        assertEquals("a\nb\n", Tool.stream(List.of("printf", "a\\nb\\n"), LIMIT, "a test's output",
                out -> new String(out.readAllBytes(), StandardCharsets.UTF_8)));
    }

    private static void assertNothingLeftRunning() {
        assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList());
    }
}

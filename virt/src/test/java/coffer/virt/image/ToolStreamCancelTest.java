package coffer.virt.image;

import coffer.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Tool#stream}'s cancel and time limit against a program whose reader waits on its stdout: {@code sh} that
 * writes a line and then waits on a child ({@code sleep}), which holds the same stdout open. A cancel (the caller's
 * thread interrupted) ends the call within seconds with the cancel's error, and the program and its child are gone;
 * before, the reader stayed blocked on the pipe until the time limit (and then on: the child outlived the kill).
 */
class ToolStreamCancelTest {
    private static final List<String> HANGS = List.of("sh", "-c", "echo x; sleep 600");

    @AfterEach
    void nothingLeftRunning() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly); // only after a failure
    }

    @Test
    void aCancelStopsTheProgramAndItsChildAtOnceAndTheCallerGetsTheCancel() throws Exception {
        AtomicBoolean firstLineRead = new AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().name("tidy26-tool-caller").start(() -> {
            try {
                Tool.stream(HANGS, Duration.ofMinutes(10), "a test's cancel", out -> {
                    BufferedReader lines = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8));
                    assertEquals("x", lines.readLine());
                    firstLineRead.set(true);
                    return lines.readLine(); // blocks: sleep writes nothing, and holds stdout open
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        Await.until(() -> firstLineRead.get() && sleeping().size() == 1, Duration.ofSeconds(30),
                "the program's first line read and its child started");
        List<ProcessHandle> program = ProcessHandle.current().descendants().toList();

        long cancelled = System.nanoTime();
        caller.interrupt();
        Await.until(() -> !caller.isAlive(), Duration.ofSeconds(15), "the call ended after the cancel");
        double seconds = (System.nanoTime() - cancelled) / 1e9;

        assertTrue(seconds < 5, "ended " + seconds + " s after the cancel");
        InterruptedIOException e = assertInstanceOf(InterruptedIOException.class, thrown.get());
        assertEquals("a test's cancel: interrupted waiting for sh", e.getMessage());
        assertTrue(interruptKept.get(), "the caller's interrupt is kept");
        Await.until(() -> program.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(5),
                () -> "the program and its child gone: " + program);
    }

    @Test
    void aProgramWhoseChildHoldsItsStdoutIsKilledWithTheChildAtTheTimeLimit() throws Exception {
        AtomicReference<List<ProcessHandle>> program = new AtomicReference<>(List.of());
        ExternalToolException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                ExternalToolException.class, () -> Tool.stream(HANGS, Duration.ofSeconds(2), "a test's hang", out -> {
                    assertEquals('x', out.read());
                    try {
                        Await.until(() -> sleeping().size() == 1, Duration.ofSeconds(30), "the program's child started");
                    } catch (InterruptedException interrupted) {
                        throw new AssertionError(interrupted);
                    }
                    program.set(ProcessHandle.current().descendants().toList());
                    return new String(out.readAllBytes(), StandardCharsets.UTF_8);
                })));
        assertTrue(e.getMessage().startsWith("a test's hang: sh did not finish within PT2S"), e.getMessage());
        assertEquals(ExternalToolException.NO_EXIT_STATUS, e.exitStatus());
        assertEquals(2, program.get().size(), "sh and sleep: " + program.get());
        Await.until(() -> program.get().stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(5),
                () -> "the program and its child gone: " + program.get());
    }

    /** This JVM's {@code sleep} processes that are alive. */
    private static List<ProcessHandle> sleeping() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).toList();
    }
}

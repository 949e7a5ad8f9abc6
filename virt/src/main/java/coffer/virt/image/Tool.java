package coffer.virt.image;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived external program to completion with a time limit, capturing stdout and stderr through
 * temporary files (no pipes to drain, no threads). A program that overruns is killed.
 *
 * <p>Stateless; thread-safe.
 */
final class Tool {
    /** How much of a program's stderr goes into an exception message. */
    static final int STDERR_TAIL = 4096;

    private Tool() {
    }

    /** Runs {@code command}; returns its stdout; a non-zero exit is an {@link ExternalToolException}. */
    static String run(List<String> command, Duration timeout, String what) throws IOException {
        Path out = Files.createTempFile("coffer-tool-", ".out");
        Path err = Files.createTempFile("coffer-tool-", ".err");
        try {
            Process process = start(command, ProcessBuilder.Redirect.to(out.toFile()), err, what);
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new ExternalToolException(what + ": " + command.getFirst() + " did not finish within "
                            + timeout, command, ExternalToolException.NO_EXIT_STATUS, tail(err), null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted waiting for " + command.getFirst());
            } finally {
                stop(process, Duration.ofSeconds(5));
            }
            if (process.exitValue() != 0) {
                throw new ExternalToolException(what, command, process.exitValue(), tail(err), null);
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts {@code command} with stdout and stderr going to files; a missing program is explained. */
    static Process start(List<String> command, ProcessBuilder.Redirect stdout, Path stderr, String what)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdout)
                .redirectError(stderr.toFile());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ExternalToolException(what + ": cannot run " + command.getFirst() + ", it is not installed or"
                    + " not on the PATH" + debianPackage(command.getFirst()), command, ExternalToolException.NO_EXIT_STATUS,
                    "", e);
        }
    }

    /** Where a program comes from on Debian, as advice for a missing one. */
    static String debianPackage(String program) {
        return switch (program) {
            case "qemu-img", "qemu-nbd" -> " (Debian: apt-get install qemu-utils)";
            default -> "";
        };
    }

    /** Stops {@code process}: SIGTERM, then SIGKILL after {@code grace}; returns once it is gone. */
    static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        boolean interrupted = false;
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
            try {
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException again) {
                // Killed with SIGKILL already; the kernel reaps it.
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@link #STDERR_TAIL} characters of a captured stream, or "" if unreadable. */
    static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() <= STDERR_TAIL ? text : "..." + text.substring(text.length() - STDERR_TAIL);
        } catch (IOException e) {
            return "";
        }
    }
}

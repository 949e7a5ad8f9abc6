package coffer.virt.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a short-lived external program with a time limit: to completion, capturing stdout and stderr through temporary
 * files (no pipes to drain, no threads: {@link #run}), or with its stdout read as it is written ({@link #stream}: one
 * watchdog thread). A program that overruns is killed, and the error names it with the end of its stderr.
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
                    throw overran(command, timeout, what, err, null);
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

    /** Reads a program's stdout as the program writes it, for {@link #stream}. */
    @FunctionalInterface
    interface StdoutReader<T> {
        T read(InputStream stdout) throws IOException;
    }

    /**
     * Runs {@code command} with its stdout read by {@code reader} as it is written; returns what {@code reader}
     * returns. A reader that reads stdout to its end (a read gives -1) has the program's exit checked as {@link #run}
     * does: a non-zero exit is an {@link ExternalToolException} (also when the reader failed on what the program
     * wrote before it failed). A reader that returns before has what it needs: the program is stopped, and that is no
     * error. Within {@code timeout} of its start, or the program is killed (the
     * reader sees its stdout end) and the error says it did not finish, naming it, whatever the reader made of that.
     */
    static <T> T stream(List<String> command, Duration timeout, String what, StdoutReader<T> reader)
            throws IOException {
        Path err = Files.createTempFile("coffer-tool-", ".err");
        try {
            Process process = start(command, ProcessBuilder.Redirect.PIPE, err, what);
            AtomicBoolean overran = new AtomicBoolean();
            Thread watchdog = Thread.ofVirtual().name("coffer-tool-watchdog").start(() -> {
                try {
                    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        overran.set(true);
                        process.destroyForcibly();
                    }
                } catch (InterruptedException stopped) {
                    // the reader is done: the process is stopped by the caller
                }
            });
            EndSeen stdout = new EndSeen(process.getInputStream());
            try {
                T result;
                try (stdout) {
                    result = reader.read(stdout);
                } catch (IOException | RuntimeException e) {
                    // killed, or failed: its exit and stderr say more than what the reader made of its cut stdout
                    if (overran.get()) {
                        throw overran(command, timeout, what, err, e);
                    }
                    if (stdout.ended && process.waitFor() != 0 && !overran.get()) {
                        throw new ExternalToolException(what, command, process.exitValue(), tail(err), e);
                    }
                    throw e;
                }
                if (stdout.ended) {
                    int exit = process.waitFor(); // its stdout is closed: it exits now, or the watchdog kills it
                    if (overran.get()) {
                        throw overran(command, timeout, what, err, null);
                    }
                    if (exit != 0) {
                        throw new ExternalToolException(what, command, exit, tail(err), null);
                    }
                }
                return result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted waiting for " + command.getFirst());
            } finally {
                stop(process, Duration.ofSeconds(5));
                watchdog.interrupt();
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static ExternalToolException overran(List<String> command, Duration timeout, String what, Path err,
                                                 Throwable cause) {
        return new ExternalToolException(what + ": " + command.getFirst() + " did not finish within " + timeout,
                command, ExternalToolException.NO_EXIT_STATUS, tail(err), cause);
    }

    /** A program's stdout that tells whether it was read to its end. */
    private static final class EndSeen extends FilterInputStream {
        volatile boolean ended;

        EndSeen(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            return n;
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

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
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;

/**
 * Runs a short-lived external program with a time limit: to completion, capturing stdout and stderr through temporary
 * files (no pipes to drain, no threads: {@link #run}), or with its stdout read as it is written ({@link #stream}: one
 * reader thread). A program that overruns is killed, and the error names it with the end of its stderr.
 *
 * <p>Stateless; thread-safe.
 */
final class Tool {
    /** How much of a program's stderr goes into an exception message. */
    static final int STDERR_TAIL = 4096;
    /** How long a killed program's reader has to see its stdout end. */
    private static final Duration READER_GRACE = Duration.ofSeconds(5);

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
     *
     * <p>The reader runs on a thread of its own while the caller waits for it, so that a cancel (the caller's thread
     * interrupted, as {@link #run} is cancelled) ends the call at once: the program is killed with what it started,
     * its stdout ends, the reader returns, and the call throws an {@link InterruptedIOException} with the thread's
     * interrupt kept. A read of a pipe does not end on an interrupt; before, a cancelled call waited for the time limit.
     * A program's children die with it here (at the time limit too): one that outlived it would hold its stdout open.
     */
    static <T> T stream(List<String> command, Duration timeout, String what, StdoutReader<T> reader)
            throws IOException {
        Path err = Files.createTempFile("coffer-tool-", ".err");
        try {
            Process process = start(command, ProcessBuilder.Redirect.PIPE, err, what);
            long deadline = System.nanoTime() + timeout.toNanos();
            EndSeen stdout = new EndSeen(process.getInputStream());
            FutureTask<T> reading = new FutureTask<>(() -> {
                try (stdout) {
                    return reader.read(stdout);
                }
            });
            Thread.ofVirtual().name("coffer-tool-reader").start(reading);
            try {
                T result;
                try {
                    result = reading.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException overran) {
                    kill(process);
                    throw overran(command, timeout, what, err, failureOf(reading));
                } catch (ExecutionException failed) {
                    // failed on what it read: the exit and stderr say more than what the reader made of its cut stdout
                    Throwable e = failed.getCause();
                    if (stdout.ended) {
                        if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
                            kill(process);
                            throw overran(command, timeout, what, err, e);
                        }
                        if (process.exitValue() != 0) {
                            throw new ExternalToolException(what, command, process.exitValue(), tail(err), e);
                        }
                    }
                    throw asThrown(e);
                }
                if (stdout.ended) { // its stdout is closed: it exits now, or it is killed at its time limit
                    if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
                        kill(process);
                        throw overran(command, timeout, what, err, null);
                    }
                    if (process.exitValue() != 0) {
                        throw new ExternalToolException(what, command, process.exitValue(), tail(err), null);
                    }
                }
                return result;
            } catch (InterruptedException e) {
                kill(process); // a cancel: the program goes now, and with it the reader's wait on its stdout
                failureOf(reading);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted waiting for " + command.getFirst());
            } finally {
                stop(process, Duration.ofSeconds(5));
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The time left until {@code deadline} ({@link System#nanoTime}'s clock), at least none. */
    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /**
     * Kills {@code process} and every process it started (SIGKILL): a child would keep the program's stdout open and a
     * reader of it waiting. Returns at once; the kernel ends them.
     */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Waits (at most {@link #READER_GRACE}) for a reader whose program was killed to see its stdout end; returns what
     * it failed with, or null. An interrupt meanwhile is kept for the caller.
     */
    private static Throwable failureOf(FutureTask<?> reading) {
        try {
            reading.get(READER_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException failed) {
            return failed.getCause();
        } catch (TimeoutException | CancellationException stillReading) {
            return null; // a process outside the program's tree holds its stdout: the reader ends when that closes it
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** What a reader failed with, to be thrown again on the caller's thread. */
    private static IOException asThrown(Throwable e) {
        return switch (e) {
            case IOException io -> io;
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> new IOException(e);
        };
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

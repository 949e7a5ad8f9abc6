package coffer.app.campaign;

import coffer.cli.Cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code coffer} command line: as a process of its own (a JVM running {@code coffer.app.Main}, what
 * the campaign kills), or in this JVM for the checks. Every process writes its output to a log file in
 * {@code logs}, named in failure messages.
 *
 * <p>Not thread-safe.
 */
final class Coffer {
    /** What a command printed and how it ended. */
    record Result(int exit, String out, String err) {
        Result ok(String what) {
            if (exit != 0) {
                throw new AssertionError(what + ": exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    private final Path keyRing;
    private final Path logs;
    private int started;

    Coffer(Path keyRing, Path logs) throws IOException {
        this.keyRing = keyRing;
        this.logs = Files.createDirectories(logs);
    }

    /** Starts {@code coffer ARGS --keyring K} as a process of its own; its output goes to the returned log. */
    Child start(String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx384m", "-cp", classPath, "coffer.app.Main"));
        command.addAll(List.of(args));
        if (!List.of(args).contains("server")) {
            command.addAll(List.of("--keyring", keyRing.toString()));
        }
        Path log = logs.resolve(String.format("%04d-%s.log", ++started, args[0] + (args.length > 1 ? "-" + args[1] : "")));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Child(process, log, System.nanoTime());
    }

    /** Runs {@code coffer ARGS} as a process of its own to its end; fails after {@code timeout}. */
    Result runChild(Duration timeout, String... args) throws Exception {
        Child child = start(args);
        if (!child.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            child.process().destroyForcibly();
            throw new AssertionError("coffer " + String.join(" ", args) + " did not end within " + timeout + "; log "
                    + child.log());
        }
        return new Result(child.process().exitValue(), Files.readString(child.log()), "");
    }

    /** Runs {@code coffer ARGS --keyring K} in this JVM (for checks); through a server ({@code --url}) without the key ring. */
    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--url")) {
            all.addAll(List.of("--keyring", keyRing.toString()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A started process, its log, and when it started (System.nanoTime). */
    record Child(Process process, Path log, long startedNanos) {
        Duration age() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }

        /** kill -9; returns whether it was still running when killed. */
        boolean kill() throws InterruptedException {
            boolean alive = process.isAlive();
            process.destroyForcibly();
            process.waitFor();
            return alive;
        }
    }
}

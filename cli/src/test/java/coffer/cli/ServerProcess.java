package coffer.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the command line in a JVM of its own (tests start {@code coffer server} as a process to kill it). */
public final class ServerProcess {
    private ServerProcess() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args, System.out, System.err));
    }

    /**
     * The command that runs the command line {@code args} in a JVM of its own on the test's class path, C1-compiled
     * only ({@code -XX:TieredStopAtLevel=1}, as the launcher runs commands): these processes live for seconds to a
     * minute, and C2 compiling during their start took half of it on the two cores the tests share (a {@code coffer
     * server} start, docs/performance.md "The test suite's wall time", session 25). The launcher's {@code coffer server}
     * and {@code coffer agent} keep the full JIT; what the tests assert does not depend on the JIT.
     */
    static java.util.List<String> command(String... args) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ServerProcess.class.getName()));
        command.addAll(java.util.List.of(args));
        return command;
    }

    /** A {@code coffer server} process and the URL it printed; closing it kills the process (SIGKILL) and waits for it. */
    record Running(Process process, String url) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Starts {@code coffer server --config configFile} in a JVM of its own and waits until it prints its URL; its
     * further output is drained. The caller kills it ({@code destroyForcibly}: SIGKILL).
     */
    static Running start(Path configFile) throws IOException {
        return start(configFile, java.util.Map.of());
    }

    /** As {@link #start(Path)}, with {@code env} added to the process's environment (a test hook). */
    static Running start(Path configFile, java.util.Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command("server", "--config", configFile.toString())).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("Coffer server listening on ")) {
                Thread drain = new Thread(() -> lines.lines().forEach(l -> { }), "server-output");
                drain.setDaemon(true);
                drain.start();
                return new Running(process, line.substring("Coffer server listening on ".length()).trim());
            }
        }
        process.destroyForcibly();
        throw new IOException("the server process ended without printing its URL");
    }
}

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
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ServerProcess.class.getName(), "server", "--config", configFile.toString())
                .redirectErrorStream(true);
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

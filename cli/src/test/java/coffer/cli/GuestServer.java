package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared set-up of the live-access tests: "a server with a guest". A real test guest (scripts/make-test-guest),
 * a real {@code coffer server} on a catalog of its own (SQLite) with the guest's host, the admin token, and the command
 * line pointed at that server; {@link #startProcess()} runs the same server as a process of its own (to kill it),
 * {@link #restart()} starts it again in this JVM. Everything it started is closed, last first.
 *
 * <p>Not thread-safe; one per test.
 */
final class GuestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Path dir;
    private final TestGuest guest;
    private final ServerConfig config;
    private final Path configFile;
    private CofferServer server;
    private String url;

    private GuestServer(Path dir, TestGuest guest, ServerConfig config, Path configFile) {
        this.dir = dir;
        this.guest = guest;
        this.config = config;
        this.configFile = configFile;
    }

    /** Starts a test guest in {@code dir} and a server whose data lies in {@code dir/data}. */
    static GuestServer start(Path dir) throws IOException {
        TestGuest.requireGuestSupport();
        TestGuest guest = TestGuest.start(dir);
        GuestServer fixture = null;
        try {
            TestDatabase db = TestDatabase.sqlite(dir);
            ServerConfig config = ServerCliIT.config(dir.resolve("data"), db);
            Path configFile = dir.resolve("server.yaml");
            Files.writeString(configFile, "dataDir: " + config.dataDir() + "\nlisten: {address: 127.0.0.1, port: 0}\n"
                    + "catalog: {url: \"" + config.catalog().jdbcUrl() + "\"}\n");
            fixture = new GuestServer(dir, guest, config, configFile);
            fixture.toClose.add(guest);
            fixture.toClose.add(db);
            fixture.restart();
            return fixture;
        } catch (IOException | RuntimeException e) {
            if (fixture != null) {
                fixture.close();
            } else {
                guest.close();
            }
            throw e;
        }
    }

    TestGuest guest() {
        return guest;
    }

    ServerConfig config() {
        return config;
    }

    /** The server in this JVM, or null while stopped or running as a process. */
    CofferServer server() {
        return server;
    }

    String url() {
        return url;
    }

    Path tokenFile() {
        return config.adminTokenFile();
    }

    /** Something else the test started, closed with the fixture (before what the fixture started). */
    void closeLater(AutoCloseable resource) {
        toClose.add(resource);
    }

    /** {@code coffer ARGS --url … --token-file …}. */
    CliRun cli(String... args) {
        return CliRun.through(url, tokenFile(), args);
    }

    /** A command's standard output read as JSON. */
    static JsonNode json(CliRun run) throws IOException {
        return JSON.readTree(run.out());
    }

    /** Backs the guest up through the server and returns the point's id. */
    String backUp() throws IOException {
        return json(cli("backup", guest.name(), "--wait", "--output", "json").ok()).path("point").asText();
    }

    /** A job's state, as {@code coffer job show} gives it. */
    String jobState(String id) {
        try {
            return json(cli("job", "show", id, "--output", "json").ok()).path("state").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Stops the server of this JVM (its jobs are cancelled). */
    void stop() {
        if (server != null) {
            server.close();
            toClose.remove(server);
            server = null;
        }
    }

    /** Starts the server in this JVM again, on the same data and catalog. */
    void restart() {
        stop();
        server = CofferServer.start(config);
        toClose.add(server);
        url = server.url();
    }

    /** Stops the server of this JVM and runs it as a process of its own; the command line then talks to that one. */
    ServerProcess.Running startProcess() throws IOException {
        stop();
        ServerProcess.Running running = ServerProcess.start(configFile);
        toClose.add(() -> running.process().destroyForcibly());
        url = running.url();
        return running;
    }

    /** Waits up to two minutes for {@code condition} ({@link Await}). */
    static void await(Await.Condition condition, String what) throws InterruptedException {
        Await.until(condition, Duration.ofMinutes(2), what);
    }

    /** {@code virsh -c qemu:///system ARGS}, its output (errors included). */
    static String virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The test's directory. */
    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the next closes must still run
            }
        }
        toClose.clear();
        server = null;
    }
}

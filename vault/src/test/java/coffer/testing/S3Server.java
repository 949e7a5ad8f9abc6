package coffer.testing;

import coffer.vault.secret.Secret;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3-compatible server for the tests: s3proxy (Maven Central, {@code org.gaul:s3proxy},
 * jar-with-dependencies; the build resolves it and names it in the {@code coffer.s3proxy.jar} property) run as
 * a separate JVM on a free loopback port, storing objects in a temporary directory through its {@code filesystem}
 * store. One server per test JVM, started on first use and stopped when the JVM exits; each test takes its own
 * bucket ({@link #newBucket}). Where the jar or a JDK is missing the test skips, and fails in CI.
 *
 * <p>Thread-safe.
 */
public final class S3Server {
    /** The credentials the server accepts; the secret is distinctive so tests can grep output for it. */
    public static final String ACCESS_KEY_ID = "COFFERTESTKEYID";
    public static final String SECRET_ACCESS_KEY = "coffer-test-secret-" + UUID.randomUUID();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int START_ATTEMPTS = 3;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3Server shared;

    private final Process process;
    private final URI endpoint;
    private final Path store;
    private final Path log;

    private S3Server(Process process, URI endpoint, Path store, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.store = store;
        this.log = log;
    }

    /** The JVM's server, started on the first call; skips (or in CI fails) when it cannot start. */
    public static synchronized S3Server shared() {
        if (shared == null || !shared.process.isAlive()) {
            String jar = System.getProperty("coffer.s3proxy.jar");
            Environment.need(jar != null && Files.isRegularFile(Path.of(jar)),
                    "the s3proxy jar (property coffer.s3proxy.jar, resolved by the Maven build): " + jar);
            shared = startOnAFreePort(Path.of(jar));
        }
        return shared;
    }

    /**
     * Starts the server on a port that was free a moment before; s3proxy binds it itself, so another process may take
     * the port in between: then s3proxy exits at once and the start is tried again on another port (three tries).
     */
    private static S3Server startOnAFreePort(Path jar) {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return start(jar);
            } catch (ExitedEarly e) {
                last = e;
            } catch (IOException e) {
                last = e;
                break;
            }
        }
        Environment.need(false, "s3proxy did not start: " + last.getMessage());
        throw new IllegalStateException("unreachable");
    }

    /** s3proxy exited before it listened (e.g. its port was taken meanwhile). */
    private static final class ExitedEarly extends IOException {
        ExitedEarly(String message) {
            super(message);
        }
    }

    private static S3Server start(Path jar) throws IOException {
        Path dir = Files.createTempDirectory("coffer-s3proxy-");
        Path store = Files.createDirectories(dir.resolve("store"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY_ID,
                "s3proxy.credential=" + SECRET_ACCESS_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + store,
                ""));
        Path log = dir.resolve("s3proxy.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3Server server = new S3Server(process, endpoint, store, log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(dir)));
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                String tail = server.logTail();
                server.stop(dir);
                throw new ExitedEarly("s3proxy exited with " + process.exitValue() + " (port " + port + "): " + tail);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return server;
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    server.stop(dir);
                    throw new IOException("s3proxy did not listen on " + endpoint + " within " + START_TIMEOUT + ": "
                            + server.logTail());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting s3proxy");
                }
            }
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Settings.Credentials credentials() {
        return new S3Settings.Credentials(ACCESS_KEY_ID, Secret.of(SECRET_ACCESS_KEY));
    }

    /** Path-style settings for this server with its credentials. */
    public S3Settings settings() {
        return S3Settings.at(endpoint, credentials());
    }

    /** Creates a bucket no other test uses; returns its name. */
    public String newBucket() {
        String bucket = "coffer-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        try (S3Backend backend = S3Backend.open(new S3Location(bucket, ""), settings())) {
            backend.createBucketIfAbsent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bucket;
    }

    /** A backend on a new bucket, under {@code prefix} (may be empty). */
    public S3Backend newBackend(String prefix) {
        try {
            return S3Backend.open(new S3Location(newBucket(), prefix), settings());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file s3proxy's filesystem store keeps {@code key} of {@code bucket} in (to set its modification time). */
    public Path fileOf(String bucket, String key) {
        return store.resolve(bucket).resolve(key);
    }

    /** The requests by operation between two {@code S3Backend.requestCounts()} snapshots (operations with none left out). */
    public static java.util.Map<String, Long> requestsSince(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        java.util.Map<String, Long> delta = new java.util.HashMap<>();
        after.forEach((op, n) -> {
            long d = n - before.getOrDefault(op, 0L);
            if (d != 0) {
                delta.put(op, d);
            }
        });
        return delta;
    }

    /** The server's own log, for tests that check what it was sent. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private void stop(Path dir) {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
        try {
            coffer.vault.fs.FileTree.delete(dir);
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}

package coffer.virt.nbd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nbdkit} for tests, on a Unix socket or a loopback TCP port, stopped on close. Runs with
 * {@code --exit-with-parent}, so a killed test JVM leaves nothing behind.
 *
 * <p>Not thread-safe; one per test.
 */
final class Nbdkit implements AutoCloseable {
    private final Process process;
    private final NbdExport export;

    private Nbdkit(Process process, NbdExport export) {
        this.process = process;
        this.export = export;
    }

    /** {@code nbdkit [arguments]} on {@code dir/nbdkit.sock}, e.g. {@code "memory", "64M"}. */
    static Nbdkit unix(Path dir, String... arguments) throws IOException {
        Path socket = dir.resolve("nbdkit.sock");
        List<String> command = new ArrayList<>(List.of("nbdkit", "--foreground", "--exit-with-parent",
                "--unix", socket.toString()));
        command.addAll(List.of(arguments));
        return start(command, NbdExport.unix(socket, ""), dir, () -> accepts(socket));
    }

    /**
     * {@code nbdkit [arguments]} on a free loopback TCP port. The port is probed free and then given to nbdkit: another
     * process may take it in between, so an nbdkit that exits before it listens is started again on another port
     * (three tries).
     */
    static Nbdkit tcp(Path dir, String... arguments) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of("nbdkit", "--foreground", "--exit-with-parent",
                    "--ipaddr", "127.0.0.1", "--port", Integer.toString(port)));
            command.addAll(List.of(arguments));
            NbdExport export = NbdExport.tcp("127.0.0.1", port, "");
            try {
                return start(command, export, dir, () -> accepts(export));
            } catch (ExitedEarly e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private interface Ready {
        boolean check();
    }

    /** nbdkit exited before it accepted a connection (e.g. its port was taken). */
    private static final class ExitedEarly extends IOException {
        ExitedEarly(String message) {
            super(message);
        }
    }

    private static Nbdkit start(List<String> command, NbdExport export, Path dir, Ready ready) throws IOException {
        Path stderr = Files.createTempFile(dir, "nbdkit-", ".stderr");
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        Nbdkit nbdkit = new Nbdkit(process, export);
        // generous: a loaded machine may take long to start a process; a started one is seen at once
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (!ready.check()) {
                if (!process.isAlive()) {
                    throw new ExitedEarly("nbdkit exited before it listened: " + command + ": " + Files.readString(stderr));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("nbdkit did not listen within 60 s: " + command + ": " + Files.readString(stderr));
                }
                Thread.sleep(5);
            }
            return nbdkit;
        } catch (InterruptedException e) {
            nbdkit.close();
            throw new IOException(e);
        } catch (IOException | RuntimeException e) {
            nbdkit.close();
            throw e;
        }
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(NbdExport export) {
        try {
            SocketChannel.open(export.address()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    NbdExport export() {
        return export;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

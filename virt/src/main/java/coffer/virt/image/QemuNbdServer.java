package coffer.virt.image;

import coffer.vault.fs.FileTree;
import coffer.vault.fs.OwnerOnly;
import coffer.virt.nbd.NbdExport;
import coffer.virt.process.DeathGuard;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code qemu-nbd} child process serving one image on a Unix socket in a private directory (mode 0700), for
 * offline backup (read-only) and restore (writable). {@link #start} returns once qemu-nbd is ready: it writes
 * its pid file only after opening the image and listening (it listens before opening, so a socket that accepts
 * proves nothing). {@link #close()} stops the process (SIGTERM, SIGKILL after a grace period) and deletes the
 * socket and the directory. A failed start cleans up the same way and reports qemu-nbd's stderr. A JVM shutdown
 * hook does the same for servers still open when the JVM exits normally, and a {@link DeathGuard} when it is killed
 * (kill -9, the OOM killer): an orphaned qemu-nbd would go on holding the image open and locked, so the domain
 * whose disk it served (a shut-off backup's, an in-place restore's) could not start (docs/reliability.md).
 *
 * <p>Choices, per direction:
 * <ul>
 *   <li>Read-only: {@code --read-only --cache=none}. A backup reads the whole disk once; through the page cache
 *       it would evict the host's working set for data never read again. File systems without
 *       {@code O_DIRECT} (tmpfs) get the default {@code --cache=writeback} instead.</li>
 *   <li>Writable: {@code --cache=none} (writeback on tmpfs) {@code --discard=unmap --detect-zeroes=unmap}. Writes are made durable by
 *       NBD flush at commit; discard lets write-zeroes punch holes, and detect-zeroes keeps zero blocks inside
 *       restored chunks unallocated in the qcow2.</li>
 *   <li>{@code --persistent}: qemu-nbd otherwise exits when its last client leaves, so a connection closed
 *       and opened again (a pool replacing a broken one) would find no server. {@code --shared} allows the
 *       requested number of connections.</li>
 *   <li>The format is always explicit: probing a guest-written raw image could let the guest choose the
 *       format and a backing file on the host.</li>
 *   <li>Backing files are opened only with {@link Options#followBacking}. Without it, an image of a format that
 *       can have one (qcow2, qcow, QED, VMDK) is opened as {@code json:{"driver": FORMAT, "file": {...},
 *       "backing": null}}: QEMU then opens no backing file, whatever the header names.</li>
 * </ul>
 *
 * <p>Thread-safe: immutable after start; {@link #close()} is idempotent and may be called from any thread.
 */
public final class QemuNbdServer implements Closeable {
    /** The export name qemu-nbd serves the image under. */
    public static final String EXPORT_NAME = "disk";

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Formats whose header can name a backing file (QEMU's {@code backing} option applies to them). */
    private static final Set<String> BACKING_FORMATS = Set.of("qcow2", "qcow", "qed", "vmdk");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How to serve: the image's format as QEMU names it, writable or not, how many client connections,
     * which persistent dirty bitmaps to expose as {@code qemu:dirty-bitmap:NAME}, where to make the private
     * directory (default {@code java.io.tmpdir}; its path must stay short: Unix socket paths are limited to
     * 107 bytes), how long to wait for the socket, and whether the backing file the image's header names is
     * opened (default: not).
     */
    public record Options(String format, boolean writable, int connections, List<String> bitmaps,
                          Path runtimeParent, Duration startTimeout, boolean followBacking) {
        public Options {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(runtimeParent, "runtimeParent");
            Objects.requireNonNull(startTimeout, "startTimeout");
            bitmaps = List.copyOf(bitmaps);
            if (!format.matches("[a-z0-9_]+")) {
                throw new IllegalArgumentException("bad image format name: '" + format + "'");
            }
            if (connections < 1) {
                throw new IllegalArgumentException("need at least one connection, got " + connections);
            }
        }

        public static Options readOnly(String format) {
            return new Options(format, false, 4, List.of(), defaultParent(), Duration.ofSeconds(10), false);
        }

        public static Options writable(String format) {
            return new Options(format, true, 4, List.of(), defaultParent(), Duration.ofSeconds(10), false);
        }

        public Options withConnections(int connections) {
            return new Options(format, writable, connections, bitmaps, runtimeParent, startTimeout, followBacking);
        }

        public Options withBitmaps(List<String> bitmaps) {
            return new Options(format, writable, connections, bitmaps, runtimeParent, startTimeout, followBacking);
        }

        public Options withRuntimeParent(Path runtimeParent) {
            return new Options(format, writable, connections, bitmaps, runtimeParent, startTimeout, followBacking);
        }

        public Options withStartTimeout(Duration startTimeout) {
            return new Options(format, writable, connections, bitmaps, runtimeParent, startTimeout, followBacking);
        }

        /** Opens the backing file the image's header names (an image whose data depends on it). */
        public Options withBackingFollowed() {
            return new Options(format, writable, connections, bitmaps, runtimeParent, startTimeout, true);
        }

        private static Path defaultParent() {
            return Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    private final Path image;
    private final Path directory;
    private final Path socket;
    private final Process process;
    private final DeathGuard guard;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private QemuNbdServer(Path image, Path directory, Process process) {
        this.image = image;
        this.directory = directory;
        this.socket = socketIn(directory);
        this.process = process;
        this.guard = DeathGuard.stop(process.pid(), "qemu-nbd", directory);
        this.shutdownHook = Thread.ofPlatform().unstarted(this::stopAndClean);
    }

    /** Starts qemu-nbd on {@code image} and waits until it accepts connections. */
    public static QemuNbdServer start(Path image, Options options) throws IOException {
        Path absolute = image.toAbsolutePath();
        Path directory = Files.createTempDirectory(options.runtimeParent(), "coffer-nbd-", OwnerOnly.directory());
        List<String> command = command(absolute, options, socketIn(directory));
        Process process;
        try {
            process = Tool.start(command, ProcessBuilder.Redirect.DISCARD, logIn(directory),
                    "qemu-nbd for " + absolute);
        } catch (IOException | RuntimeException e) {
            deleteTree(directory);
            throw e;
        }
        QemuNbdServer server = new QemuNbdServer(absolute, directory, process);
        try {
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            server.awaitReady(command, options.startTimeout());
            return server;
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    static List<String> command(Path image, Options options, Path socket) {
        List<String> command = new ArrayList<>(List.of(
                "qemu-nbd",
                "--socket=" + socket,
                "--export-name=" + EXPORT_NAME,
                "--pid-file=" + pidFileIn(socket.getParent()),
                "--shared=" + options.connections(),
                "--persistent"));
        if (options.writable()) {
            // O_DIRECT where the file system takes it: a restore's writes reach the disk while later chunks are
            // still being decrypted, instead of piling up in the page cache for the final flush
            command.addAll(List.of(supportsDirectIo(image) ? "--cache=none" : "--cache=writeback", "--aio=threads",
                    "--discard=unmap", "--detect-zeroes=unmap"));
        } else {
            command.add("--read-only");
            command.add(supportsDirectIo(image) ? "--cache=none" : "--cache=writeback");
        }
        for (String bitmap : options.bitmaps()) {
            command.add("--bitmap=" + bitmap);
        }
        if (options.followBacking() || !BACKING_FORMATS.contains(options.format())) {
            command.add("--format=" + options.format());
            command.add(image.toString());
        } else {
            command.add(withoutBacking(image, options.format()));
        }
        return List.copyOf(command);
    }

    /** The image as a {@code json:} file name that opens it in {@code format} with no backing file. */
    private static String withoutBacking(Path image, String format) {
        ObjectNode file = JSON.createObjectNode()
                .put("driver", Files.isRegularFile(image) ? "file" : "host_device")
                .put("filename", image.toString());
        ObjectNode options = JSON.createObjectNode().put("driver", format);
        options.set("file", file);
        options.putNull("backing");
        return "json:" + options;
    }

    /** Whether the image's file system takes {@code O_DIRECT} (tmpfs does not); false for missing files. */
    private static boolean supportsDirectIo(Path image) {
        return Libc.supportsDirectIo(image);
    }

    /**
     * Waits for qemu-nbd's pid file: qemu-nbd listens on its socket before it opens the image, so a socket that
     * accepts proves nothing, but it writes the pid file only once the export is set up and the socket is
     * listening. No probe connection is made.
     */
    private void awaitReady(List<String> command, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 2;
        while (true) {
            if (!process.isAlive()) {
                throw new ExternalToolException("qemu-nbd failed to start for " + image, command,
                        exitStatus(), Tool.tail(logIn(directory)), null);
            }
            if (pidFileNames(process.pid())) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ExternalToolException("qemu-nbd for " + image + " was not ready within " + timeout,
                        command, ExternalToolException.NO_EXIT_STATUS, Tool.tail(logIn(directory)), null);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for qemu-nbd for " + image);
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    private boolean pidFileNames(long pid) {
        try {
            return Files.readString(pidFileIn(directory)).strip().equals(Long.toString(pid));
        } catch (IOException notYetWritten) {
            return false;
        }
    }

    private int exitStatus() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExternalToolException.NO_EXIT_STATUS;
        }
    }

    /** The export to connect to: this server's socket and {@link #EXPORT_NAME}. */
    public NbdExport export() {
        return NbdExport.unix(socket, EXPORT_NAME);
    }

    public Path image() {
        return image;
    }

    public Path socket() {
        return socket;
    }

    /** The qemu-nbd process id, for diagnostics. */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Stops qemu-nbd and deletes its socket and directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs or ran already; stopping twice is harmless.
        }
        stopAndClean();
    }

    private synchronized void stopAndClean() {
        if (closed) {
            return;
        }
        closed = true;
        Tool.stop(process, STOP_GRACE);
        guard.disarm();
        deleteTree(directory);
    }

    private static Path socketIn(Path directory) {
        return directory.resolve("nbd.sock");
    }

    private static Path pidFileIn(Path directory) {
        return directory.resolve("qemu-nbd.pid");
    }

    private static Path logIn(Path directory) {
        return directory.resolve("qemu-nbd.stderr");
    }

    private static void deleteTree(Path directory) {
        try {
            FileTree.delete(directory);
        } catch (IOException ignored) {
            // Best effort: a private temp directory left behind holds no secrets and no lock.
        }
    }

    @Override
    public String toString() {
        return "QemuNbdServer[" + image + " on " + socket + ", pid " + process.pid() + "]";
    }
}

package coffer.virt.nbd;

import coffer.vault.io.BlockSource;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A read-only NBD server: serves {@link BlockSource}s (a point's disk read from the vault on demand) as named
 * exports over a Unix domain socket and, when asked, a loopback TCP port, to any number of clients
 * ({@code nbdinfo}, {@code nbdcopy}, {@code qemu-img}, a QEMU block device), each connection on its own virtual
 * thread. The protocol: fixed newstyle handshake with {@code NBD_OPT_GO}/{@code NBD_OPT_INFO}/{@code NBD_OPT_LIST},
 * structured replies (holes sent as hole chunks: they cost nothing), block status with {@code base:allocation},
 * multi-conn; see {@link ServerHandshake} and {@link ServerConnection}. The export named {@code ""} is the
 * only export when there is one, so {@code nbd+unix:///?socket=…} works too.
 *
 * <p>A read its source fails (damaged or missing vault data) is answered with {@code EIO} and a fixed message
 * that names nothing of the vault; the log ({@code coffer.virt.nbd.NbdServer}, level ERROR) gets the source's
 * own message, which for a point names point, disk and offset. Never silently wrong data.
 *
 * <p>{@link #close()} stops accepting, hangs up every client (a request in flight fails on the client's side),
 * waits for the connection threads and removes the Unix socket file; it does not close the sources, which the
 * caller owns. No TLS: the Unix socket is created mode 0600 in a directory the caller chose, and TCP listens
 * on loopback only.
 *
 * <p>Thread-safe.
 */
public final class NbdServer implements Closeable {
    /** Largest request served: qemu's own limit, and what clients assume without block size information. */
    static final int MAX_REQUEST = Protocol.DEFAULT_MAX_REQUEST;
    static final int PREFERRED_BLOCK = 4096;
    private static final System.Logger LOG = System.getLogger(NbdServer.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /** One export: its name on the wire and the disk behind it. */
    public record Export(String name, BlockSource source) {
        public Export {
            Objects.requireNonNull(source, "source");
            if (name == null || name.isEmpty() || name.length() > Protocol.MAX_STRING) {
                throw new IllegalArgumentException("an export needs a name of 1 to " + Protocol.MAX_STRING + " characters");
            }
        }
    }

    /** The exports by name, in the order given. Immutable; thread-safe. */
    static final class Exports {
        private final Map<String, Export> byName = new LinkedHashMap<>();

        Exports(List<Export> exports) {
            for (Export export : exports) {
                if (byName.putIfAbsent(export.name(), export) != null) {
                    throw new IllegalArgumentException("two exports named '" + export.name() + "'");
                }
            }
            if (byName.isEmpty()) {
                throw new IllegalArgumentException("an NBD server needs at least one export");
            }
        }

        /** The export of this name; {@code ""} is the only one when there is exactly one. */
        Export find(String name) {
            if (name.isEmpty() && byName.size() == 1) {
                return byName.values().iterator().next();
            }
            return byName.get(name);
        }

        List<Export> all() {
            return List.copyOf(byName.values());
        }
    }

    private final Exports exports;
    private final Path socket;
    private final List<ServerSocketChannel> listeners;
    private final InetSocketAddress tcp;
    private final int maxConnections;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong readFailures = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();

    private NbdServer(Exports exports, Path socket, List<ServerSocketChannel> listeners, InetSocketAddress tcp,
                      int maxConnections) {
        this.exports = exports;
        this.socket = socket;
        this.listeners = listeners;
        this.tcp = tcp;
        this.maxConnections = maxConnections;
    }

    /**
     * Starts serving {@code exports} on the Unix socket {@code socket} (which must not exist; its directory
     * must) and, when {@code tcp} is not null, on that loopback address (port 0: any free port, see
     * {@link #tcpAddress()}). More than {@code maxConnections} clients at once are hung up on at once.
     */
    public static NbdServer start(List<Export> exports, Path socket, InetSocketAddress tcp, int maxConnections)
            throws IOException {
        Exports table = new Exports(exports);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (tcp != null && (tcp.isUnresolved() || !tcp.getAddress().isLoopbackAddress())) {
            throw new IllegalArgumentException("NBD over TCP is served on loopback only, not on " + tcp);
        }
        List<ServerSocketChannel> listeners = new ArrayList<>();
        InetSocketAddress bound = null;
        try {
            ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listeners.add(unix);
            unix.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            if (tcp != null) {
                ServerSocketChannel inet = ServerSocketChannel.open();
                listeners.add(inet);
                inet.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                inet.bind(tcp);
                bound = (InetSocketAddress) inet.getLocalAddress();
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel listener : listeners) {
                listener.close();
            }
            Files.deleteIfExists(socket);
            throw e;
        }
        NbdServer server = new NbdServer(table, socket, List.copyOf(listeners), bound, maxConnections);
        synchronized (server.threads) {
            for (ServerSocketChannel listener : server.listeners) {
                server.threads.add(Thread.ofVirtual().name("nbd-accept").start(() -> server.accept(listener)));
            }
        }
        return server;
    }

    /** Where a client finds export {@code name} on the Unix socket. */
    public NbdExport unixExport(String name) {
        return NbdExport.unix(socket, name);
    }

    public Path socket() {
        return socket;
    }

    /** The loopback TCP address actually bound, when serving TCP. */
    public Optional<InetSocketAddress> tcpAddress() {
        return Optional.ofNullable(tcp);
    }

    public List<Export> exports() {
        return exports.all();
    }

    /** Clients connected now. */
    public int connections() {
        return connections.size();
    }

    /** Reads answered with EIO because their source failed, since the start. */
    public long readFailures() {
        return readFailures.get();
    }

    private void accept(ServerSocketChannel listener) {
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.log(System.Logger.Level.ERROR, "NBD server on " + socket + " stopped accepting: " + e, e);
                }
                return;
            }
            long n = accepted.incrementAndGet();
            if (connections.size() >= maxConnections || closed.get()) {
                LOG.log(System.Logger.Level.WARNING, "NBD server on " + socket + ": more than " + maxConnections
                        + " clients, hanging up on one");
                closeQuietly(channel);
                continue;
            }
            try {
                if (listener.getLocalAddress() instanceof InetSocketAddress) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
            } catch (IOException e) {
                closeQuietly(channel);
                continue;
            }
            ServerConnection connection = new ServerConnection(this, channel, "client " + n + " of " + socket);
            connections.add(connection);
            if (closed.get()) {
                connection.close();
            }
            Thread thread = Thread.ofVirtual().name("nbd-client-" + n).start(connection);
            synchronized (threads) {
                threads.removeIf(t -> !t.isAlive());
                threads.add(thread);
            }
        }
    }

    Exports table() {
        return exports;
    }

    System.Logger log() {
        return LOG;
    }

    void readFailed() {
        readFailures.incrementAndGet();
    }

    void ended(ServerConnection connection) {
        connections.remove(connection);
    }

    /** Stops serving: no new clients, every client hung up on, threads ended, socket file removed. Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (ServerSocketChannel listener : listeners) {
            closeQuietly(listener);
        }
        connections.forEach(ServerConnection::close);
        List<Thread> toJoin;
        synchronized (threads) {
            toJoin = List.copyOf(threads);
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (Thread thread : toJoin) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Duration.ofNanos(left));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket nobody will use again
        }
    }

    @Override
    public String toString() {
        return "NbdServer[" + socket + (tcp == null ? "" : ", " + tcp) + ", " + exports.all().size() + " export(s)]";
    }
}

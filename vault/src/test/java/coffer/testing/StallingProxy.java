package coffer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port in front of a real server (the S3 test server), which a test can make stop
 * answering without closing anything: {@link #stall()} holds every byte either way and every new connection, as a
 * store stopped with SIGSTOP or behind a firewall that drops packets would (the connections stay open, nothing
 * comes back); {@link #resume()} lets it all through again. Unlike a SIGSTOP of the shared server it hangs only the
 * clients that go through this proxy. {@link #waiting()} says when a client waits on the stall.
 *
 * <p>Thread-safe.
 */
public final class StallingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private boolean stalled;
    private volatile String stallAt;
    private volatile boolean closed;
    private volatile boolean refusing;
    private volatile int bytesPerSecond;

    private StallingProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** A proxy to {@code endpoint} (an {@code http://host:port} URL), listening on a free loopback port. */
    public static StallingProxy to(URI endpoint) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        StallingProxy proxy = new StallingProxy(listener, new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
        Thread accept = new Thread(proxy::accept, "stalling-proxy-accept");
        accept.setDaemon(true);
        accept.start();
        return proxy;
    }

    /** The proxy's endpoint, to give a client instead of the server's. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** From now on nothing passes, either way; connections stay open. */
    public void stall() {
        synchronized (gate) {
            stalled = true;
        }
    }

    /**
     * Stalls (as {@link #stall()}) when a client sends {@code text} (e.g. {@code /chunks/}: the request line of the first
     * chunk's {@code PutObject}), holding that request and everything after it: a store that stops answering in the middle
     * of a backup, at a point the test names rather than at a moment.
     */
    public void stallAt(String text) {
        stallAt = text;
    }

    /**
     * From now on every connection is closed at once, the open ones too, as by a store whose process is gone: requests
     * fail fast (connection reset or closed) instead of hanging.
     */
    public void refuse() {
        refusing = true;
        sockets.forEach(StallingProxy::closeQuietly); // before the held bytes are let go: they go nowhere
        sockets.clear();
        synchronized (gate) {
            stallAt = null;
            stalled = false;
            gate.notifyAll();
        }
    }

    /** Everything held passes again, and new connections are taken again. */
    public void resume() {
        synchronized (gate) {
            stallAt = null;
            refusing = false;
            stalled = false;
            gate.notifyAll();
        }
    }

    /**
     * From now on every transfer, either way, passes at about {@code rate} bytes a second (0: at full speed), in pieces
     * a tenth of a second apart: a slow link that keeps moving bytes, as opposed to a stall.
     */
    public void throttle(int rate) {
        bytesPerSecond = rate;
    }

    /** Bytes read from either side while stalled and not passed on yet. */
    public long heldBytes() {
        return held.get();
    }

    /** Transfers and new connections held by the stall now: a client is waiting for the store. */
    public long waiting() {
        return waiting.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                Thread t = new Thread(() -> connect(client), "stalling-proxy-connect");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitOpen(0);
            if (refusing) {
                closeQuietly(client);
                return;
            }
            Socket server = new Socket();
            sockets.add(server);
            server.connect(target);
            pump(client, server, true);
            pump(server, client, false);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    String at = stallAt;
                    if (fromClient && at != null
                            && new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).contains(at)) {
                        stall();
                    }
                    awaitOpen(n);
                    write(out, buffer, n);
                }
                awaitOpen(0); // a hung store does not close either (the server's idle timeout is held too)
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    awaitOpen(0);
                } catch (InterruptedException ignored) {
                    // closing anyway
                }
                closeQuietly(from);
                closeQuietly(to);
            } catch (InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "stalling-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void write(OutputStream out, byte[] buffer, int n) throws IOException, InterruptedException {
        int rate = bytesPerSecond;
        if (rate <= 0) {
            out.write(buffer, 0, n);
            return;
        }
        int piece = Math.max(1, rate / 10);
        for (int off = 0; off < n; off += piece) {
            out.write(buffer, off, Math.min(piece, n - off));
            out.flush();
            Thread.sleep(100); // the link's pace, not a wait for a condition
        }
    }

    private void awaitOpen(int bytes) throws InterruptedException {
        synchronized (gate) {
            if (stalled) {
                held.addAndGet(bytes);
                waiting.incrementAndGet();
                try {
                    while (stalled && !closed) {
                        gate.wait();
                    }
                } finally {
                    waiting.decrementAndGet();
                    held.addAndGet(-bytes);
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a proxy's socket: nothing to report
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        resume();
        listener.close();
        sockets.forEach(StallingProxy::closeQuietly);
    }
}

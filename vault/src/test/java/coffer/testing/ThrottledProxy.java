package coffer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a test server whose upload direction (client to server) is held to a byte rate,
 * so a test can interrupt a transfer that would otherwise end before the interruption arrives (a cancel, a kill).
 * The rate is the sum over all connections (a client uploading on 16 connections gets no more than on one), and a
 * connection that was idle gets no credit for it (a pooled connection reused by a later transfer bursts no faster).
 * Downloads pass at full speed. Each connection is a pair of virtual threads; {@link #close} drops them all.
 *
 * <p>Thread-safe.
 */
public final class ThrottledProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long uploadBytesPerSecond;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Object uploads = new Object();
    private long uploadsFreeAt = System.nanoTime(); // when the bytes reserved so far have passed at the rate; under uploads

    private ThrottledProxy(ServerSocket listener, InetSocketAddress target, long uploadBytesPerSecond) {
        this.listener = listener;
        this.target = target;
        this.uploadBytesPerSecond = uploadBytesPerSecond;
    }

    /** A proxy on a free loopback port forwarding to {@code endpoint}'s host and port. */
    public static ThrottledProxy in(URI endpoint, long uploadBytesPerSecond) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            ThrottledProxy proxy = new ThrottledProxy(listener,
                    new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), uploadBytesPerSecond);
            Thread.ofVirtual().name("throttled-proxy-accept").start(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's endpoint, in the scheme of the server it forwards to. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, uploadBytesPerSecond));
                Thread.ofVirtual().start(() -> pump(server, client, 0));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("throttled proxy: " + e);
                }
            }
        }
    }

    /**
     * Copies {@code from} to {@code to}, at most {@code rate} bytes a second in all connections' uploads together when
     * positive; closes both at the end.
     */
    private void pump(Socket from, Socket to, long rate) {
        byte[] buffer = new byte[16 << 10];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                if (rate > 0) {
                    long due;
                    synchronized (uploads) {
                        uploadsFreeAt = Math.max(uploadsFreeAt, System.nanoTime()) + n * 1_000_000_000L / rate;
                        due = uploadsFreeAt;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the other side closed, or the proxy did: the pair ends
        } finally {
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : open) {
            socket.close();
        }
    }
}

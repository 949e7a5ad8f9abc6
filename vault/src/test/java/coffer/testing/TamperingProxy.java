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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A <b>fault injector</b>: a loopback TCP proxy in front of a real server (the S3 test server) that damages what passes
 * as a faulty network path would. {@link #flipBodyByte} changes one byte of the body of the next request whose head
 * holds a given text (a part of a multipart upload, a {@code PutObject}), after the request was signed; {@link #cutResponses}
 * closes the connection in the middle of the answers to the next requests whose head holds a given text (a
 * {@code GetObject} broken mid-body). Everything else passes unchanged. It reads HTTP only as far as finding the text
 * and the end of a request's head ({@code CRLF CRLF}) in what one read returned; the S3 client writes a request's
 * head in one piece.
 *
 * <p>Thread-safe.
 */
public final class TamperingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private volatile String flipMarker;
    private volatile int flipOffset;
    private final AtomicInteger flipped = new AtomicInteger();
    private volatile String cutMarker;
    private volatile long cutAfter;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();

    private TamperingProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** A proxy on a free loopback port forwarding to {@code endpoint}'s host and port. */
    public static TamperingProxy to(URI endpoint) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TamperingProxy proxy = new TamperingProxy(listener, new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
            Thread.ofVirtual().name("tampering-proxy-accept").start(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's endpoint, to give a client instead of the server's. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Inverts the bits of byte {@code offset} of the body of the next request whose head contains {@code marker} (once). */
    public void flipBodyByte(String marker, int offset) {
        flipOffset = offset;
        flipMarker = marker;
    }

    /** Bodies changed so far. */
    public int flipped() {
        return flipped.get();
    }

    /**
     * Closes the connection of each of the next {@code times} requests whose head contains {@code marker} once
     * {@code bytes} bytes of its answer (head included) have passed.
     */
    public void cutResponses(String marker, long bytes, int times) {
        cutAfter = bytes;
        cutsLeft.set(times);
        cutMarker = marker;
    }

    /** Answers cut so far. */
    public int cuts() {
        return cuts.get();
    }

    /** The heads of the requests that matched a marker, as sent (to check what the client sent). */
    public List<String> matchedHeads() {
        return List.copyOf(heads);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                Connection connection = new Connection(client, server);
                Thread.ofVirtual().start(connection::upload);
                Thread.ofVirtual().start(connection::download);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("tampering proxy: " + e);
                }
            }
        }
    }

    /** One client connection and its connection to the server. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        /** Bytes of the current answer after which the connection is closed; -1: none. */
        private volatile long cutAt = -1;
        private volatile long answered;
        /** Bytes of the current request's body still to pass before the one to flip; -1: none. */
        private long flipIn = -1;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void upload() {
            byte[] buffer = new byte[64 << 10];
            try (client; server) {
                InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    look(buffer, n);
                    if (flipIn >= 0) {
                        if (flipIn < n) {
                            buffer[(int) flipIn] ^= (byte) 0xff;
                            flipped.incrementAndGet();
                            flipIn = -1;
                        } else {
                            flipIn -= n;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed, or the proxy cut the connection
            } finally {
                open.remove(client);
                open.remove(server);
            }
        }

        /** Finds a request head that matches a marker in what one read returned; arms the flip or the cut. */
        private void look(byte[] buffer, int n) {
            String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            String flip = flipMarker;
            int at = flip == null ? -1 : text.indexOf(flip);
            if (at >= 0) {
                int end = text.indexOf("\r\n\r\n", at);
                if (end >= 0) {
                    flipMarker = null;
                    heads.add(text.substring(0, end));
                    flipIn = end + 4 + flipOffset; // counted from this buffer's start
                }
            }
            String cut = cutMarker;
            at = cut == null ? -1 : text.indexOf(cut);
            if (at >= 0 && cutsLeft.getAndDecrement() > 0) {
                int end = text.indexOf("\r\n\r\n", at);
                heads.add(text.substring(0, end < 0 ? n : end));
                answered = 0;
                cutAt = cutAfter;
            }
        }

        void download() {
            byte[] buffer = new byte[64 << 10];
            try (client; server) {
                InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    long limit = cutAt;
                    if (limit >= 0 && answered + n >= limit) {
                        out.write(buffer, 0, (int) (limit - answered));
                        out.flush();
                        cuts.incrementAndGet();
                        return; // closes both connections mid-answer
                    }
                    answered += n;
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                open.remove(client);
                open.remove(server);
            }
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

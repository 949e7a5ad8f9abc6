package coffer.server.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A browser without {@code Sec-Fetch-Site}, made from a real one: a loopback TCP proxy in front of the server that
 * drops the browser's {@code Sec-Fetch-*} headers (so the server judges each change by its {@code Origin}, as it does
 * for an older browser), closes each connection after one request, passes everything else on byte for byte
 * ({@code Host} included: the proxy's, which is the origin the browser sees) and records each request's line with its
 * {@code Origin}. Test code only; a fake of an older browser, which cannot run here.
 */
final class HeaderStrippingProxy implements AutoCloseable {
    /** One request as the browser sent it: its first line and its {@code Origin} (null without one). */
    record Seen(String line, String origin) {
    }

    private final ServerSocket socket;
    private final int target;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    HeaderStrippingProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    /** The URL the browser opens: {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket browser = socket.accept();
                Thread.ofVirtual().start(() -> relay(browser));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket browser) {
        try (browser; Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
            InputStream in = browser.getInputStream();
            String head = head(in);
            if (head == null) {
                return;
            }
            StringBuilder out = new StringBuilder();
            String origin = null;
            String[] lines = head.split("\r\n");
            for (int i = 0; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (i > 0 && (lower.startsWith("sec-fetch-") || lower.startsWith("connection:"))) {
                    continue;
                }
                if (lower.startsWith("origin:")) {
                    origin = lines[i].substring("origin:".length()).strip();
                }
                out.append(lines[i]).append("\r\n");
            }
            out.append("Connection: close\r\n\r\n");
            seen.add(new Seen(lines[0], origin));
            OutputStream toServer = server.getOutputStream();
            toServer.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
            toServer.flush();
            Thread body = Thread.ofVirtual().start(() -> {
                try {
                    in.transferTo(toServer);
                } catch (IOException ended) {
                    // the server answered and closed
                }
            });
            server.getInputStream().transferTo(browser.getOutputStream());
            browser.shutdownOutput();
            body.interrupt();
        } catch (IOException ended) {
            // the browser or the server went away
        }
    }

    /** The request's head up to its blank line (without it), or null when the connection ended first. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                byte[] all = head.toByteArray();
                return new String(all, 0, all.length - 4, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
    }
}

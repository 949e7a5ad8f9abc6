package coffer.server.api.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, one request per connection: the request target and body go out byte for byte as
 * given (the JDK's client refuses malformed URIs, which are exactly what a fuzzer sends). Stateless.
 */
final class RawHttp {
    /** The server's answer: its status (0 when it closed without one, -1 when it did not answer in time). */
    record Answer(int status, String head, String body) {
        String summary() {
            String text = (head.lines().findFirst().orElse("no answer") + " " + body).replaceAll("\\s+", " ");
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }

    private final String host;
    private final int port;

    RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Sends one request ({@code contentType} null: no such header; {@code body} null: no body at all). */
    Answer send(String method, String target, String token, String contentType, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Authorization: Bearer ").append(token).append("\r\n")
                .append("Connection: close\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1)); // a target's bytes as given
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException answeredEarly) {
                // the server answered (414, 413, 400) and closed before taking the whole request: read its answer
            }
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketTimeoutException e) {
            return new Answer(-1, "no answer within 30 s", all.toString(StandardCharsets.UTF_8));
        } catch (IOException reset) {
            // a reset after the answer: keep what arrived
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(0, text, "");
        }
        String head = text.substring(0, end);
        // the last answer counts: a "100 Continue" may come first
        int last = head.lastIndexOf("HTTP/1.1 ");
        int status = Integer.parseInt(head.substring(last + 9, last + 12));
        return new Answer(status, head.substring(last), text.substring(end + 4));
    }
}

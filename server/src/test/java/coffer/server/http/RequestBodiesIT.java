package coffer.server.http;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies through the server's body reading (BodyReadLimit), over raw sockets so the test decides how
 * the bytes arrive: a body that trickles in, a chunked body and one sent after {@code 100 Continue} all reach
 * the API; a body larger than 1 MB, declared or sent, is a 413 RequestTooLarge problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestBodiesIT {
    private static final String BODY = "{\"name\":\"trickle\",\"role\":\"viewer\"}";

    TestServer server;
    URI uri;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
        uri = URI.create(server.url());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aBodyThatArrivesInPiecesReachesTheApi() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("Content-Length: " + BODY.length()).getBytes(StandardCharsets.US_ASCII));
            for (int at = 0; at < BODY.length(); at += 12) {
                out.write(BODY.substring(at, Math.min(BODY.length(), at + 12)).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300);
            }
            assertEquals("201", status(read(socket)));
        }
    }

    @Test
    void aChunkedBodyReachesTheApi() throws Exception {
        try (Socket socket = connect()) {
            String half = BODY.substring(0, 10);
            String rest = BODY.substring(10);
            String chunked = Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                    + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n";
            socket.getOutputStream().write((head("Transfer-Encoding: chunked") + chunked).getBytes(StandardCharsets.US_ASCII));
            assertEquals("201", status(read(socket)));
        }
    }

    @Test
    void aBodySentAfter100ContinueReachesTheApi() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("Content-Length: " + BODY.length() + "\r\nExpect: 100-continue").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] interim = new byte[25];
            int n = socket.getInputStream().readNBytes(interim, 0, interim.length);
            assertTrue(new String(interim, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 100"),
                    new String(interim, 0, n, StandardCharsets.US_ASCII));
            out.write(BODY.getBytes(StandardCharsets.US_ASCII));
            String answer = read(socket);
            assertEquals("201", status(answer.substring(answer.indexOf("HTTP/1.1 2"))), answer);
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedAtOnce() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(head("Content-Length: 2000000").getBytes(StandardCharsets.US_ASCII));
            String answer = read(socket);
            assertEquals("413", status(answer));
            assertEquals("RequestTooLarge", problem(answer).path("code").asText(), answer);
            assertTrue(problem(answer).path("detail").asText().contains("declares 2000000 bytes; at most 1000000"), answer);
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 20; i++) { // 1.3 MB
                    out.write(chunk);
                }
            } catch (IOException closedMeanwhile) {
                // the server answered and closed before the last chunks
            }
            String answer = read(socket);
            assertEquals("413", status(answer));
            assertEquals("RequestTooLarge", problem(answer).path("code").asText(), answer);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private String head(String framing) {
        return "POST /api/v1/tokens HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer " + server.adminToken()
                + "\r\nContent-Type: application/json\r\nConnection: close\r\n" + framing + "\r\n\r\n";
    }

    private static String read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String status(String answer) {
        return answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4);
    }

    private static JsonNode problem(String answer) throws IOException {
        return TestServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }
}

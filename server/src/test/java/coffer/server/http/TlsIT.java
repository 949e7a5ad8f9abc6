package coffer.server.http;

import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server with a TLS key store from the configuration file, its password in a file of its own: HTTPS only,
 * with the configured certificate (the console too, its session cookie Secure); a client that does not trust it fails the handshake; plain HTTP on the port
 * gets a TLS alert and no HTTP answer; the password appears in no log line.
 */
class TlsIT {
    /** TLS record content type 21: an alert (RFC 8446, section 5.1). */
    private static final int TLS_ALERT = 21;

    @TempDir
    Path dir;

    @Test
    void theApiIsServedOverHttpsWithTheConfiguredCertificate() throws Exception {
        SelfSignedTls certificate = SelfSignedTls.make(dir, "tls-");
        String password = certificate.password();
        ServerConfig config = certificate.serverConfig(dir);

        PrintStream stderr = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try (CofferServer server = CofferServer.start(config)) {
            assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
            SSLContext tls = certificate.trustingClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/vaults"))
                    .header("Authorization", "Bearer " + Files.readString(config.adminTokenFile()).strip()).build();
            HttpResponse<String> answer = HttpClient.newBuilder().sslContext(tls).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"default\""), answer.body());

            // the console on the same port and certificate: its session cookie is Secure under TLS
            HttpClient browser = HttpClient.newBuilder().sslContext(tls).cookieHandler(new java.net.CookieManager()).build();
            String form = browser.send(HttpRequest.newBuilder(URI.create(server.url() + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            var csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
            assertTrue(csrf.find(), form);
            HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1) + "&token="
                            + Files.readString(config.adminTokenFile()).strip())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, signedIn.statusCode(), signedIn.body());
            String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("coffer_session="))
                    .findFirst().orElseThrow();
            assertTrue(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);

            // a client that does not trust the certificate fails the handshake
            assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));

            // plain HTTP on the TLS port: answered with a TLS alert record, then the connection closes; no HTTP
            byte[] reply = plainTextExchange(URI.create(server.url()).getPort());
            assertTrue(reply.length > 0 && reply[0] == TLS_ALERT, "expected a TLS alert record, got "
                    + Arrays.toString(Arrays.copyOf(reply, Math.min(16, reply.length))));
            assertFalse(new String(reply, StandardCharsets.ISO_8859_1).contains("HTTP/"), "an HTTP answer in plain text");
        } finally {
            System.setErr(stderr);
            stderr.print(logged.toString(StandardCharsets.UTF_8));
        }
        assertFalse(logged.toString(StandardCharsets.UTF_8).contains(password), "the key store password was logged");
    }

    /** Sends a plain-text HTTP request and returns all the server sends back until it closes the connection. */
    private static byte[] plainTextExchange(int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /api/v1/vaults HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return socket.getInputStream().readAllBytes(); // ends when the server closes: a timeout fails the test
        }
    }
}

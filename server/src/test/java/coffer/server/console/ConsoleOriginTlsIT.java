package coffer.server.console;

import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.server.http.SelfSignedTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under TLS the console's own origin is {@code https} (docs/console.md, "Another site"): a sign-in without
 * {@code Sec-Fetch-Site} whose {@code Origin} is the same host and port over plain {@code http} is refused
 * {@code 403 Forbidden}, the {@code https} one signs in.
 */
class ConsoleOriginTlsIT {
    @TempDir Path dir;

    @Test
    void underTlsOnlyTheHttpsOriginIsTheConsoles() throws Exception {
        SelfSignedTls certificate = SelfSignedTls.make(dir, "tls-console21-");
        ServerConfig config = certificate.serverConfig(dir);
        try (CofferServer server = CofferServer.start(config)) {
            String own = server.url(); // https://127.0.0.1:PORT
            assertTrue(own.startsWith("https://"), own);
            HttpClient http = HttpClient.newBuilder().sslContext(certificate.trustingClient()).followRedirects(HttpClient.Redirect.NEVER).build();
            String admin = Files.readString(config.adminTokenFile()).strip();

            HttpResponse<String> plain = http.send(signIn(own, "http://" + own.substring("https://".length()), admin),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, plain.statusCode(), plain.body());
            assertTrue(plain.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "=")));
            HttpResponse<String> secure = http.send(signIn(own, own, admin), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, secure.statusCode(), secure.body());
        }
    }

    /** The sign-in form's double submit with this Origin and no Sec-Fetch-Site. */
    private static HttpRequest signIn(String url, String origin, String token) {
        String body = "_csrf=tls-console21&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(url + "/login")).header("Cookie", ConsoleSessions.LOGIN_COOKIE + "=tls-console21")
                .header("Origin", origin).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}

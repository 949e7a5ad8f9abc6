package coffer.server.console;

import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.server.config.ServerConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.UUID;

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
        String password = "tls-console21-" + UUID.randomUUID();
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "coffer", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password)
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        Path passwordFile = Files.writeString(dir.resolve("tls.password"), password + "\n");
        Path file = Files.writeString(dir.resolve("server.yaml"), """
                listen: {address: 127.0.0.1, port: 0}
                tls: {keystore: %s, passwordFile: %s}
                """.formatted(keystore, passwordFile));
        ServerConfig config = ServerConfigLoader.load(file, dir.resolve("data"));
        try (CofferServer server = CofferServer.start(config)) {
            String own = server.url(); // https://127.0.0.1:PORT
            assertTrue(own.startsWith("https://"), own);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trusted.load(in, password.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NEVER).build();
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

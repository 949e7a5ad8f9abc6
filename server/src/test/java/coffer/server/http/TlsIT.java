package coffer.server.http;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server with a TLS key store from the configuration: HTTPS only, with the configured certificate. */
class TlsIT {
    @TempDir
    Path dir;

    @Test
    void theApiIsServedOverHttpsWithTheConfiguredCertificate() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "coffer", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        Path data = dir.resolve("data");
        ServerConfig config = new ServerConfig(data, "127.0.0.1", 0, new ServerConfig.Tls(keystore, "changeit"),
                TestDatabase.sqlite(dir).config(),
                List.of(new ServerConfig.VaultEntry("default", data.resolve("vault"), data.resolve("keyring"), true)),
                List.of(new ServerConfig.HostEntry("local", "qemu:///system")), ServerConfig.Limits.DEFAULT);
        try (CofferServer server = CofferServer.start(config)) {
            assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trusted.load(in, "changeit".toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/vaults"))
                    .header("Authorization", "Bearer " + Files.readString(config.adminTokenFile()).strip()).build();
            HttpResponse<String> answer = HttpClient.newBuilder().sslContext(tls).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"default\""), answer.body());
            // a client that does not trust the certificate is refused, and plain HTTP gets no API
            assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));
            HttpRequest plain = HttpRequest.newBuilder(URI.create(server.url().replace("https:", "http:") + "/api/v1/vaults")).build();
            try {
                HttpResponse<String> refused = HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString());
                assertTrue(refused.statusCode() >= 400, "plain HTTP on the TLS port: " + refused.statusCode());
            } catch (java.io.IOException expected) {
                // the TLS connector closes a plain-text connection
            }
        }
    }
}

package coffer.server.http;

import coffer.server.config.ServerConfig;
import coffer.server.config.ServerConfigLoader;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test support: a self-signed EC certificate for {@code 127.0.0.1}, made by the JDK's {@code keytool} into a PKCS12
 * key store whose password sits in a file of its own, as the server's {@code tls:} setting names them (docs/server.md);
 * and a client TLS context that trusts just that certificate.
 *
 * @param keystore the PKCS12 key store
 * @param password its password (a test secret, random)
 * @param passwordFile the file holding the password
 */
public record SelfSignedTls(Path keystore, String password, Path passwordFile) {

    /** Makes the key store and password file in {@code dir}; the password starts with {@code passwordPrefix}. */
    public static SelfSignedTls make(Path dir, String passwordPrefix) throws IOException, InterruptedException {
        String password = passwordPrefix + UUID.randomUUID();
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "coffer", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password)
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        Path passwordFile = Files.writeString(dir.resolve("tls.password"), password + "\n");
        return new SelfSignedTls(keystore, password, passwordFile);
    }

    /** A server configuration (written to {@code dir/server.yaml}) on a free port of 127.0.0.1 with this key store. */
    public ServerConfig serverConfig(Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("server.yaml"), """
                listen: {address: 127.0.0.1, port: 0}
                tls: {keystore: %s, passwordFile: %s}
                """.formatted(keystore, passwordFile));
        return ServerConfigLoader.load(file, dir.resolve("data"));
    }

    /** A client TLS context that trusts this certificate and no other. */
    public SSLContext trustingClient() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }
}

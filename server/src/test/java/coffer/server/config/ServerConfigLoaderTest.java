package coffer.server.config;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import coffer.engine.vault.VaultLocation;
import coffer.vault.backend.s3.S3Location;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void noFileGivesTheEmbeddedDefaults() {
        ServerConfig config = ServerConfigLoader.load(null, dir);
        assertEquals(dir.toAbsolutePath(), config.dataDir());
        assertEquals("127.0.0.1", config.address());
        assertEquals(8470, config.port());
        assertNull(config.tls());
        assertEquals("jdbc:sqlite:" + dir.toAbsolutePath().resolve("catalog.db"), config.catalog().jdbcUrl());
        assertEquals("default", config.defaultVault());
        assertEquals(VaultLocation.directory(dir.resolve("vault")), config.vaults().getFirst().location());
        assertTrue(config.vaults().getFirst().encrypted());
        assertEquals("qemu:///system", config.hosts().getFirst().uri());
        assertEquals(ServerConfig.Limits.DEFAULT, config.limits());
        assertEquals("http://127.0.0.1:8470", config.url());
    }

    @Test
    void aFullFileIsRead() throws IOException {
        Path file = write("""
                dataDir: %s
                listen: {address: 0.0.0.0, port: 9000}
                catalog: {url: "jdbc:postgresql://db/coffer", user: coffer, password: secret, poolSize: 8}
                vaults:
                  - {name: fast, path: /srv/fast, keyring: /etc/coffer/keyring, encrypted: true}
                  - {name: plain, path: /srv/plain, encrypted: false}
                hosts:
                  - {id: local, uri: "qemu:///system"}
                  - {id: kvm2, uri: "qemu+ssh://kvm2/system"}
                limits: {jobsPerHost: 3, workers: 8, instancesPerRequest: 50}
                """.formatted(dir));
        ServerConfig config = ServerConfigLoader.load(file, null);
        assertEquals(9000, config.port());
        assertEquals("jdbc:postgresql://db/coffer", config.catalog().jdbcUrl());
        assertEquals("coffer", config.catalog().user());
        assertEquals(8, config.catalog().maxPoolSize());
        assertEquals("fast", config.defaultVault());
        assertEquals(2, config.vaults().size());
        assertEquals(dir.resolve("keyring"), config.vaults().get(1).keyring());
        assertEquals("kvm2", config.hosts().get(1).id());
        assertEquals(new ServerConfig.Limits(3, 8, 50), config.limits());
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnce() throws IOException {
        Path file = write("""
                listen: {port: "eighty", adress: x}
                catalog: {url: "jdbc:mysql://db"}
                vaults:
                  - {name: Fast, path: /srv/a}
                  - {name: b}
                hosts:
                  - {id: local, uri: nowhere}
                  - {id: local, uri: "qemu:///system"}
                limits: {jobsPerHost: 0, instancesPerRequest: 100}
                colour: blue
                """);
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(file, dir));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        String m = e.getMessage();
        assertTrue(m.contains("has 10 problems"), m);
        for (String expected : new String[]{"colour: unknown key", "listen.adress: unknown key",
                "listen.port: expected a whole number, got \"eighty\"", "catalog.url: must start with jdbc:sqlite: or jdbc:postgresql:",
                "vaults[0].name: use lower-case letters", "vaults[1].path: required", "hosts[0].uri: required",
                "hosts[1].id: 'local' is used twice", "limits.jobsPerHost: must be between 1 and 64, got 0",
                "limits.instancesPerRequest: must be between 1 and 99, got 100"}) {
            assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
        }
    }

    @Test
    void tlsNeedsAReadableKeyStore() throws IOException {
        Path file = write("tls: {password: x}\n");
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(file, dir));
        assertTrue(e.getMessage().contains("tls.keystore: required"), e.getMessage());
        Path missing = write("tls: {keystore: /nonexistent.p12, password: x}\n");
        e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(missing, dir));
        assertTrue(e.getMessage().contains("tls.keystore: cannot read /nonexistent.p12"), e.getMessage());
    }

    @Test
    void aMissingOrBrokenFileIsNamed() throws IOException {
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(dir.resolve("none.yaml"), dir));
        assertTrue(e.getMessage().contains("none.yaml does not exist"), e.getMessage());
        Path broken = write("listen: [unclosed\n");
        e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(broken, dir));
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
    }

    @Test
    void anS3VaultIsNamedByItsUrlWithItsSettingsAndTheSecretIsNeverShown() throws IOException {
        Path secretFile = dir.resolve("s3.secret");
        Files.writeString(secretFile, "from-a-file-SECRET\n");
        Path file = write("""
                vaults:
                  - name: offsite
                    path: s3://backups/coffer/host-1
                    s3: {endpoint: "http://127.0.0.1:9000", accessKeyId: AKIDEXAMPLE, secretAccessKeyFile: %s, parallelism: 8}
                  - name: aws
                    path: s3://coffer-aws
                    s3: {region: eu-west-1, profile: backup}
                """.formatted(secretFile));
        ServerConfig config = ServerConfigLoader.load(file, dir);
        VaultLocation.Bucket offsite = (VaultLocation.Bucket) config.vaults().get(0).location();
        assertEquals(new S3Location("backups", "coffer/host-1"), offsite.location());
        assertEquals(URI.create("http://127.0.0.1:9000"), offsite.settings().endpoint());
        assertTrue(offsite.settings().pathStyle(), "path-style by default with an endpoint");
        assertEquals("from-a-file-SECRET", offsite.settings().credentials().secretAccessKey().reveal());
        assertEquals(8, offsite.settings().parallelism());
        assertFalse(config.toString().contains("SECRET") || config.toString().contains("AKIDEXAMPLE"), config.toString());
        VaultLocation.Bucket aws = (VaultLocation.Bucket) config.vaults().get(1).location();
        assertEquals("eu-west-1", aws.settings().region());
        assertFalse(aws.settings().pathStyle());
        assertNull(aws.settings().credentials(), "the AWS chain");
        assertEquals("backup", aws.settings().profile());

        Path bad = write("""
                vaults:
                  - {name: a, path: "s3://Bad_Bucket"}
                  - {name: b, path: s3://ok-bucket, s3: {accessKeyId: AKID, secretAccessKey: 12345678, colour: red}}
                  - {name: c, path: /srv/c, s3: {region: x}}
                """);
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(bad, dir));
        String m = e.getMessage();
        for (String expected : new String[]{"vaults[0].path: invalid S3 bucket name 'Bad_Bucket'",
                "vaults[1].s3.secretAccessKey: expected text", "vaults[1].s3.colour: unknown key",
                "vaults[2].s3: only for a vault whose path is an s3:// location"}) {
            assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
        }
        assertFalse(m.contains("12345678"), "a bad secret is named, not shown: " + m);
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "server", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}

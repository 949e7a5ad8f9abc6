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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(java.util.List.of(dir.toAbsolutePath().resolve("restores")), config.restoreDirectories());
        assertEquals(java.util.List.of("local"), config.regions(), "one region, as before regions existed");
        assertEquals("local", config.hosts().getFirst().region());
    }

    @Test
    void regionsGroupVaultsAndHostsBySite() throws IOException {
        Path file = write("""
                vaults:
                  - {name: default, path: /srv/local}
                  - {name: east-1, path: "s3://east-backups/coffer", region: east}
                  - {name: east-2, path: /srv/east, region: east}
                hosts:
                  - {id: local, uri: "qemu:///system"}
                  - {id: east-kvm, uri: "qemu+ssh://east/system", region: east}
                """);
        ServerConfig config = ServerConfigLoader.load(file, dir);
        assertEquals(java.util.List.of("local", "east"), config.regions());
        assertEquals(java.util.List.of("east-1", "east-2"),
                config.vaultsIn("east").stream().map(ServerConfig.VaultEntry::name).toList());
        assertEquals("local", config.vaults().getFirst().region());
        assertEquals(java.util.List.of("east-kvm"), config.hostsIn("east").stream().map(ServerConfig.HostEntry::id).toList());
        assertEquals(java.util.List.of("local"), config.hostsIn("local").stream().map(ServerConfig.HostEntry::id).toList());
    }

    @Test
    void aRegionNeedsAValidNameAndItsHostsAVault() throws IOException {
        Path file = write("""
                vaults:
                  - {name: default, path: /srv/local, region: "East Coast"}
                  - {name: spare, path: /srv/spare, region: 7}
                hosts:
                  - {id: west-kvm, uri: "qemu+ssh://west/system", region: west}
                """);
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(file, dir));
        String m = e.getMessage();
        for (String expected : new String[]{"vaults[0].region: use lower-case letters", "vaults[1].region: expected text",
                "hosts[0].region: region 'west' has no vault"}) {
            assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
        }
    }

    @Test
    void assuranceHasItsDefaultsAndTakesEveryKeyNamingEachWrongValue() throws IOException {
        ServerConfig.Assurance defaults = ServerConfigLoader.load(null, dir).assurance();
        assertEquals(coffer.engine.verify.VerifySettings.DEFAULTS, defaults.verify());
        assertTrue(defaults.quarantine(), "scheduled verifies quarantine");
        assertNull(defaults.drillEvery(), "drills on request only");
        assertEquals(dir.toAbsolutePath().resolve("drills"), defaults.drills().directory());
        assertEquals(coffer.engine.reclaim.ReclaimSettings.DEFAULTS, defaults.reclaim());
        assertEquals(coffer.engine.alert.ChangeRules.DEFAULTS, defaults.alerts());

        ServerConfig.Assurance set = ServerConfigLoader.load(write("""
                assurance:
                  verify: {fullEvery: off, sampledEvery: 12h, samplePeriod: 7d, quarantine: false}
                  drills: {every: 7d, check: [/bin/systemctl, is-system-running], perHost: 2, bootTimeout: 10min}
                  alerts: {rateMultiple: 8, minimumMiB: 256}
                  reclaim: {deadline: 5min, grace: 2h}
                """), dir).assurance();
        assertNull(set.verify().fullEvery());
        assertEquals(java.time.Duration.ofHours(12), set.verify().sampledEvery());
        assertEquals(14, set.verify().slices());
        assertFalse(set.quarantine());
        assertEquals(java.time.Duration.ofDays(7), set.drillEvery());
        assertEquals(java.util.List.of("/bin/systemctl", "is-system-running"), set.drillCheck());
        assertEquals(2, set.drills().perHost());
        assertEquals(java.time.Duration.ofMinutes(10), set.drills().bootTimeout());
        assertEquals(8.0, set.alerts().rateMultiple());
        assertEquals(256L << 20, set.alerts().minimumBytes());
        assertEquals(java.time.Duration.ofMinutes(5), set.reclaim().deadline());
        assertEquals(java.time.Duration.ofHours(2), set.reclaim().grace());
        assertNull(ServerConfigLoader.load(write("assurance: {reclaim: {enabled: false}}\n"), dir).assurance().reclaim());

        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(write("""
                assurance:
                  verify: {sampledEvery: daily}
                  drills: {every: 10min, check: [systemctl]}
                  reclaim: {grace: 5min}
                  colour: blue
                """), dir));
        String m = e.getMessage();
        for (String expected : new String[]{"assurance.verify.sampledEvery: a duration such as 45s, 30min, 12h or 7d, or off",
                "assurance.drills.every: at least 1h", "assurance.drills.check: the command's path must be absolute",
                "assurance.reclaim: reclaim settings: grace: PT5M is shorter than PT20M", "assurance.colour"}) {
            assertTrue(m.contains(expected), expected + " in: " + m);
        }
    }

    @Test
    void restoreDirectoriesAreAbsolutePathsListedInTheFile() throws IOException {
        ServerConfig config = ServerConfigLoader.load(write("restoreDirectories: [/srv/restores, /var/lib/libvirt/images/]\n"), dir);
        assertEquals(java.util.List.of(Path.of("/srv/restores"), Path.of("/var/lib/libvirt/images")), config.restoreDirectories());
        CofferException e = assertThrows(CofferException.class,
                () -> ServerConfigLoader.load(write("restoreDirectories: [relative/dir, /, 7]\n"), dir));
        assertTrue(e.getMessage().contains("has 3 problems") && e.getMessage().contains("restoreDirectories[0]: must be an"
                + " absolute directory path") && e.getMessage().contains("restoreDirectories[1]")
                && e.getMessage().contains("restoreDirectories[2]"), e.getMessage());
    }

    @Test
    void aCatalogPoolOfOneIsRefusedBecauseMigrationsNeedTwoConnections() throws IOException {
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(
                write("catalog: {url: \"jdbc:postgresql://db/coffer\", poolSize: 1}\n"), dir));
        assertTrue(e.getMessage().contains("catalog.poolSize"), e.getMessage());
    }

    @Test
    void aFullFileIsRead() throws IOException {
        Path file = write("""
                dataDir: %s
                listen: {address: 0.0.0.0, port: 9000, allowPlainHttp: true}
                catalog: {url: "jdbc:postgresql://db/coffer", user: coffer, password: secret, poolSize: 8}
                vaults:
                  - {name: fast, path: /srv/fast, keyring: /etc/coffer/keyring, encrypted: true}
                  - {name: plain, path: /srv/plain, encrypted: false}
                hosts:
                  - {id: local, uri: "qemu:///system"}
                  - {id: kvm2, uri: "qemu+ssh://kvm2/system"}
                limits: {jobsPerHost: 3, workers: 8, instancesPerRequest: 50, bodyReads: 16, bodyReadSeconds: 5}
                """.formatted(dir));
        ServerConfig config = ServerConfigLoader.load(file, null);
        assertEquals(9000, config.port());
        assertEquals("jdbc:postgresql://db/coffer", config.catalog().jdbcUrl());
        assertEquals("coffer", config.catalog().user());
        assertEquals("secret", config.catalog().password().reveal());
        assertEquals(8, config.catalog().maxPoolSize());
        assertEquals("fast", config.defaultVault());
        assertEquals(2, config.vaults().size());
        assertEquals(dir.resolve("keyring"), config.vaults().get(1).keyring());
        assertEquals("kvm2", config.hosts().get(1).id());
        assertEquals(new ServerConfig.Limits(3, 8, 50, 16, java.time.Duration.ofSeconds(5)), config.limits());
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
                limits: {jobsPerHost: 0, instancesPerRequest: 100, bodyReadSeconds: 0}
                colour: blue
                """);
        CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(file, dir));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        String m = e.getMessage();
        assertTrue(m.contains("has 11 problems"), m);
        for (String expected : new String[]{"colour: unknown key", "listen.adress: unknown key",
                "listen.port: expected a whole number, got \"eighty\"", "catalog.url: must start with jdbc:sqlite: or jdbc:postgresql:",
                "vaults[0].name: use lower-case letters", "vaults[1].path: required", "hosts[0].uri: required",
                "hosts[1].id: 'local' is used twice", "limits.jobsPerHost: must be between 1 and 64, got 0",
                "limits.instancesPerRequest: must be between 1 and 99, got 100",
                "limits.bodyReadSeconds: must be between 1 and 300, got 0"}) {
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
    void plainHttpBeyondLoopbackIsRefusedUnlessAllowed() throws IOException {
        for (String address : new String[]{"0.0.0.0", "::", "192.0.2.10"}) {
            Path file = write("listen: {address: \"" + address + "\"}\n");
            CofferException e = assertThrows(CofferException.class, () -> ServerConfigLoader.load(file, dir), address);
            assertEquals(ErrorCode.InvalidArgument, e.code());
            assertTrue(e.getMessage().contains("listen.address: " + address + " is not a loopback address")
                    && e.getMessage().contains("configure tls, or set listen.allowPlainHttp: true"), e.getMessage());
        }
        for (String address : new String[]{"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
            assertEquals(address, ServerConfigLoader.load(write("listen: {address: \"" + address + "\"}\n"), dir).address());
        }
        ServerConfig allowed = ServerConfigLoader.load(write("listen: {address: 0.0.0.0, allowPlainHttp: true}\n"), dir);
        assertEquals("http://0.0.0.0:8470", allowed.url());
        Path keystore = Files.writeString(dir.resolve("server.p12"), "not checked here");
        ServerConfig tls = ServerConfigLoader.load(write("listen: {address: 0.0.0.0}\ntls: {keystore: " + keystore
                + ", password: x}\n"), dir);
        assertEquals("https://0.0.0.0:8470", tls.url());
        CofferException e = assertThrows(CofferException.class,
                () -> ServerConfigLoader.load(write("listen: {address: no-such-host.invalid}\n"), dir));
        assertTrue(e.getMessage().contains("listen.address: cannot resolve 'no-such-host.invalid'"), e.getMessage());
    }

    @Test
    void secretsComeFromTheFileAFileOfTheirOwnOrAnEnvironmentVariable() throws IOException {
        Path keystore = Files.writeString(dir.resolve("server.p12"), "not checked here");
        Path passwordFile = Files.writeString(dir.resolve("tls.password"), "from a file\n");
        Path file = write("""
                tls: {keystore: %s, passwordFile: %s}
                catalog: {url: "jdbc:postgresql://db/coffer", user: coffer, passwordEnv: CATALOG_PASSWORD}
                """.formatted(keystore, passwordFile));
        ServerConfig config = ServerConfigLoader.load(file, dir, Map.of("CATALOG_PASSWORD", "from the environment")::get);
        assertEquals("from a file", config.tls().password().reveal(), "one trailing line break dropped");
        assertEquals("from the environment", config.catalog().password().reveal());

        Path plain = write("tls: {keystore: " + keystore + ", password: in the yaml}\n");
        assertEquals("in the yaml", ServerConfigLoader.load(plain, dir).tls().password().reveal());
    }

    @Test
    void secretProblemsAreNamedWithoutShowingTheSecret() throws IOException {
        Path keystore = Files.writeString(dir.resolve("server.p12"), "not checked here");
        Path empty = Files.writeString(dir.resolve("empty.password"), "");
        Path file = write("""
                tls: {keystore: %s, password: "31415926", passwordEnv: TLS_PASSWORD}
                catalog: {url: "jdbc:mysql://db/coffer?password=hunter2", passwordEnv: NOT_SET}
                """.formatted(keystore));
        CofferException e = assertThrows(CofferException.class,
                () -> ServerConfigLoader.load(file, dir, Map.<String, String>of()::get));
        String m = e.getMessage();
        assertTrue(m.contains("tls.password: give one of password, passwordFile, passwordEnv, not password and passwordEnv"), m);
        assertTrue(m.contains("catalog.passwordEnv: the environment variable NOT_SET is not set"), m);
        assertTrue(m.contains("catalog.url: must start with jdbc:sqlite: or jdbc:postgresql:, got 'jdbc:mysql://db/coffer?password=***'"), m);
        assertFalse(m.contains("31415926") || m.contains("hunter2"), m);

        Path number = write("catalog: {url: \"jdbc:sqlite:/x.db\", password: 271828}\n");
        m = assertThrows(CofferException.class, () -> ServerConfigLoader.load(number, dir)).getMessage();
        assertTrue(m.contains("catalog.password: expected text (quote it)") && !m.contains("271828"), m);
        Path emptyFile = write("tls: {keystore: " + keystore + ", passwordFile: " + empty + "}\n");
        m = assertThrows(CofferException.class, () -> ServerConfigLoader.load(emptyFile, dir)).getMessage();
        assertTrue(m.contains("tls.passwordFile: " + empty + " is empty"), m);
        Path missing = write("tls: {keystore: " + keystore + ", passwordFile: /nonexistent/tls.password}\n");
        m = assertThrows(CofferException.class, () -> ServerConfigLoader.load(missing, dir)).getMessage();
        assertTrue(m.contains("tls.passwordFile: cannot read /nonexistent/tls.password"), m);
    }

    @Test
    void aLoadedConfigurationNeverPrintsItsSecrets() throws IOException {
        Path keystore = Files.writeString(dir.resolve("server.p12"), "not checked here");
        Path file = write("""
                tls: {keystore: %s, password: "tls-31415926"}
                catalog: {url: "jdbc:postgresql://db/coffer?user=c&password=url-271828", password: "catalog-161803"}
                """.formatted(keystore));
        ServerConfig config = ServerConfigLoader.load(file, dir);
        String printed = config + " " + config.catalog() + " " + config.tls() + " " + config.catalog().redactedUrl();
        for (String secret : new String[]{"tls-31415926", "url-271828", "catalog-161803"}) {
            assertFalse(printed.contains(secret), secret + " in " + printed);
        }
        assertTrue(printed.contains("password=***"), printed);
        assertEquals("tls-31415926", config.tls().password().reveal());
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

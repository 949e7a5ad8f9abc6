package coffer.server.config;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        assertEquals(dir.resolve("vault"), config.vaults().getFirst().path());
        assertTrue(config.vaults().getFirst().encrypted());
        assertEquals("qemu:///system", config.hosts().getFirst().uri());
        assertEquals(ServerConfig.Limits.DEFAULT, config.limits());
        assertEquals("http://127.0.0.1:8470", config.url());
        assertEquals(java.util.List.of(dir.toAbsolutePath().resolve("restores")), config.restoreDirectories());
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

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "server", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}

package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.server.config.ServerConfig;
import coffer.server.config.ServerConfigLoader;
import coffer.vault.fs.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory holds the admin token, the key ring, the catalog and the default vault: an existing one
 * is tightened to 0700, and everything the server creates in it is owner-only, the catalog (with its WAL)
 * included. A shared directory such as /tmp is refused, not taken over.
 */
class DataDirectoryIT {
    @TempDir
    Path dir;

    @Test
    void anExistingDataDirectoryAndEverythingCreatedInItAreOwnerOnly() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path catalog = Files.createFile(data.resolve("catalog.db")); // an older start's catalog, world-readable
        Files.setPosixFilePermissions(catalog, PosixFilePermissions.fromString("rw-r--r--"));
        ServerConfig defaults = ServerConfigLoader.load(null, data);
        ServerConfig config = new ServerConfig(defaults.dataDir(), defaults.address(), 0, null, defaults.catalog(),
                defaults.vaults(), defaults.hosts(), defaults.limits());
        try (TestServer server = TestServer.start(config)) {
            assertEquals(201, server.admin("POST", "/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}").status());
            assertEquals("rwx------", mode(data));
            List<String> names = new ArrayList<>();
            List<String> open = new ArrayList<>();
            FileTree.walkFiles(data, file -> {
                names.add(data.relativize(file).toString());
                if (!mode(file).endsWith("------")) {
                    open.add(data.relativize(file) + " " + mode(file));
                }
            });
            try (var all = Files.walk(data)) {
                all.filter(Files::isDirectory).forEach(d -> {
                    if (!mode(d).endsWith("------")) {
                        open.add(data.relativize(d) + "/ " + mode(d));
                    }
                });
            }
            assertTrue(names.containsAll(List.of("catalog.db", "catalog.db-wal", "admin.token", "keyring", "vault/config")),
                    names.toString());
            assertTrue(open.isEmpty(), "not owner-only: " + open);
            assertEquals("rwx------", mode(data.resolve("restores")), "the default restore directory");
        }
    }

    @Test
    void aSharedDirectoryIsRefusedAndLeftAsItWas() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(shared, "unix:mode", 01777);
        ServerConfig defaults = ServerConfigLoader.load(null, shared);
        CofferException e = assertThrows(CofferException.class, () -> CofferServer.start(defaults));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("data directory " + shared + " is shared (mode 1777"), e.getMessage());
        assertEquals(01777, (Integer) Files.getAttribute(shared, "unix:mode") & 07777);
        assertFalse(Files.exists(shared.resolve("catalog.db")), "nothing created");
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

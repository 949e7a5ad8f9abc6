package coffer.engine.instance;

import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The typed facts of the instance points the Coffer build of commit ef03003 wrote (manifest version 1, its attributes
 * as that build wrote them, not as the fixture generator writes version 1): the golden vault {@code built-ef03003}
 * (vault test resources, fixtures/README.md).
 */
class EarlierBuildFactsTest {
    private static final String DOMAIN = "9cc72597-297d-4e9e-9e3a-895f9ce898a6";

    @TempDir Path dir;

    private List<PointManifest> points() throws Exception {
        // the vault module's test resources: a directory in a module build, inside its test jar in a reactor's verify
        URI config = EarlierBuildFactsTest.class.getResource("/fixtures/built-ef03003/config").toURI();
        if ("jar".equals(config.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(config, Map.of())) {
                copyTree(jar.getPath("/fixtures"), dir);
            }
        } else {
            copyTree(Path.of(config).getParent().getParent(), dir);
        }
        try (Vault vault = Vault.open(new LocalDirectoryBackend(dir.resolve("built-ef03003")),
                new LocalKeyRing(dir.resolve("built-ef03003-keyring.json")))) {
            return vault.points();
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                String relative = from.relativize(f).toString();
                if (!relative.isEmpty() && !relative.startsWith("built-ef03003")) {
                    continue;
                }
                Path target = to.resolve(relative);
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    @Test
    void theInstancePointsOfThatBuildGiveTheirInstanceAndDisks() throws Exception {
        List<PointManifest> points = points();
        PointFacts full = PointFacts.of(points.get(2));
        PointFacts incremental = PointFacts.of(points.get(3));
        assertEquals(1, points.get(3).version());
        assertEquals(DOMAIN, full.instance().uuid());
        assertEquals("qemu:///system", full.instance().uri());
        assertEquals(DOMAIN, incremental.instance().uuid());
        assertEquals("full", full.disks().get("vda").mode());
        assertEquals("incremental", incremental.disks().get("vda").mode());
        assertEquals("qcow2", incremental.disks().get("vda").format());
        assertNull(PointFacts.of(points.get(0)).instance(), "an image point has no instance");
    }
}

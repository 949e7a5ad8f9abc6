package coffer.engine.live;

import coffer.testing.DiskWithFiles;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.virt.image.DiskImages;
import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A symbolic link's target is stored in an export archive as names are (docs/cli.md, "Files of a point"): a UTF-8
 * target as it is with each backslash doubled, any other escaped, so that {@link GuestNames#unescape} of the archive's
 * link name gives the target's exact bytes. On a real ext4 disk made on the host, backed up into a vault and exported
 * through libguestfs: a link to the Latin-1 {@code café} (byte 0xE9), a link to the UTF-8 text {@code caf\xe9} (with a
 * backslash) and a plain link. Before, the Latin-1 target was read as text and stored as {@code caf\uFFFD}: its byte lost
 * (checked: this test failed so).
 */
class LinkTargetBytesIT {
    @TempDir Path dir;

    @Test
    void aLinkTargetThatIsNotUtf8IsStoredByteForByte() throws Exception {
        DiskWithFiles.requireTools();
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("plain.txt"), "plain");
        DiskWithFiles.shell("cd \"$1\" && ln -s \"$(printf 'caf\\351')\" latin && ln -s 'caf\\xe9' spelt"
                + " && ln -s plain.txt plain && ln -s \"$(printf 'd\\377/\\200x')\" deep", tree);
        assertArrayEquals(new byte[]{'c', 'a', 'f', (byte) 0xe9},
                linkBytes(tree.resolve("latin")), "the host's link, as made");
        Path image = DiskWithFiles.ext4(tree, dir.resolve("links.raw"), "16M");
        Path archive = dir.resolve("links.tar.zst");
        try (TestVault vault = VaultFlavour.LOCAL.create(dir);
             BrowseSessions sessions = new BrowseSessions(BrowseSessions.Limits.DEFAULTS, dir.resolve("run"),
                     BrowseSessions.Opener.DEFAULT, Clock.systemUTC())) {
            PointManifest point = vault.backup("links22", DiskImages.openSource(image, "raw", false), null);
            FileArchive.Summary summary;
            try (OutputStream out = Files.newOutputStream(archive)) {
                summary = sessions.mounted(vault.vault(), "", point.id(), "vda", null,
                        files -> files.archivePaths(List.of(GuestPath.parse("/latin"), GuestPath.parse("/spelt"),
                                GuestPath.parse("/plain"), GuestPath.parse("/deep")), FileArchive.DEFAULT_SPARSE_LIMIT, out));
            }
            assertEquals(4, summary.links(), summary.toString());
        }

        Map<String, String> links = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(Files.newInputStream(archive)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                assertTrue(entry.isSymbolicLink(), entry.getName());
                links.put(entry.getName(), entry.getLinkName());
            }
        }
        assertEquals(Map.of("latin", "caf\\xe9", "spelt", "caf\\\\xe9", "plain", "plain.txt", "deep", "d\\xff/\\x80x"), links);
        for (String name : List.of("latin", "spelt", "plain", "deep")) {
            assertEquals(HexFormat.of().formatHex(linkBytes(tree.resolve(name))),
                    HexFormat.of().formatHex(GuestNames.unescape(links.get(name))), name + ": the target's exact bytes");
        }
        assertArrayEquals("caf\\xe9".getBytes(StandardCharsets.UTF_8), GuestNames.unescape(links.get("spelt")));
    }

    /** The target bytes of a host's symbolic link (readlink's, not through Java's decoding of file names). */
    private static byte[] linkBytes(Path link) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "readlink -n \"$1\"", "sh", link.toString()).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        return bytes;
    }
}

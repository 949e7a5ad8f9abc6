package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.DiskWithFiles;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.virt.guestfs.FileStat;
import coffer.virt.guestfs.Filesystem;
import coffer.virt.guestfs.Guestfs;
import coffer.virt.image.DiskImages;
import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browsing and exporting the files of a point: an ext4 disk made on the host ({@code mkfs.ext4 -d}) backed up into an
 * encrypted vault, served over NBD and read by a libguestfs appliance; chosen paths exported as tar + zstd, read
 * back with Commons Compress and extracted with GNU tar, contents compared by checksum.
 */
class PointFilesIT {
    @TempDir static Path dir;
    static TestVault vault;
    static PointFiles files;
    static byte[] known;

    @BeforeAll
    static void open() throws Exception {
        DiskWithFiles.requireTools();
        Environment.requireCommand("tar");
        Path tree = Files.createDirectories(dir.resolve("tree/dir/sub"));
        known = TestData.random(5, 2 * Guestfs.MAX_READ + 777);
        Files.write(tree.getParent().getParent().resolve("known.bin"), known);
        Files.writeString(dir.resolve("tree/dir/note.txt"), "hello\n");
        Files.writeString(dir.resolve("tree/dir/sub/deep.txt"), "deep\n");
        Files.createSymbolicLink(dir.resolve("tree/dir/up"), Path.of("../known.bin"));
        Files.createSymbolicLink(dir.resolve("tree/dir/abs"), Path.of("/etc/passwd"));
        Path image = DiskWithFiles.ext4(dir.resolve("tree"), dir.resolve("fs.raw"), "32M");
        vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir);
        PointManifest point = vault.backup("fs", DiskImages.openSource(image, "raw", false), null);
        files = PointFiles.open(vault.vault(), point.id(), "vda", dir.resolve("run"), Guestfs.Options.DEFAULT);
        System.out.println("PointFilesIT: libguestfs appliance launched in " + files.launchTime().toMillis() + " ms");
    }

    @AfterAll
    static void close() throws Exception {
        if (files != null) {
            files.close();
            assertTrue(Files.list(dir.resolve("run")).findAny().isEmpty(), "the runtime directory is removed");
        }
        if (vault != null) {
            vault.close();
        }
    }

    @Test
    void browsesAndExportsChosenPathsAsTarZstdWithSanitisedNamesAndLinksAsLinks() throws Exception {
        assertEquals(List.of(new Filesystem("/dev/sda", "ext4")), files.filesystems());
        files.mount("/dev/sda");
        List<PointFiles.Entry> root = files.list("/");
        assertEquals(List.of("dir", "known.bin", "lost+found"), root.stream().map(PointFiles.Entry::name).toList());
        assertEquals(known.length, root.get(1).stat().size());
        // a page at a time by name (docs/api.md, "Lists"): two, then the rest after the second's name
        PointFiles.Listing first = files.list("/", null, 2);
        assertEquals(List.of("dir", "known.bin"), first.entries().stream().map(PointFiles.Entry::name).toList());
        assertTrue(first.more());
        assertEquals(known.length, first.entries().get(1).stat().size());
        PointFiles.Listing last = files.list("/", "known.bin", 2);
        assertEquals(List.of("lost+found"), last.entries().stream().map(PointFiles.Entry::name).toList());
        assertFalse(last.more());
        PointFiles.Entry up = files.stat("/dir/up");
        assertEquals(FileStat.Type.SYMLINK, up.stat().type());
        assertEquals("../known.bin", up.linkTarget());

        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        FileArchive.Summary summary = files.archive(List.of("/dir", "/known.bin", "/dir/note.txt"), archive);
        assertEquals(new FileArchive.Summary(3, 2, 2, known.length + 6 + 5, 0, 0), summary);

        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(new ByteArrayInputStream(archive.toByteArray())))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.put(e.getName(), e);
                contents.put(e.getName(), tar.readAllBytes());
            }
        }
        assertEquals(List.of("dir/", "dir/abs", "dir/note.txt", "dir/sub/", "dir/sub/deep.txt", "dir/up", "known.bin"),
                List.copyOf(entries.keySet()));
        for (String name : entries.keySet()) {
            assertFalse(name.startsWith("/") || name.contains(".."), name);
        }
        assertEquals(TestData.sha256(known), TestData.sha256(contents.get("known.bin")));
        assertEquals("hello\n", new String(contents.get("dir/note.txt"), StandardCharsets.UTF_8));
        assertTrue(entries.get("dir/up").isSymbolicLink());
        assertEquals("../known.bin", entries.get("dir/up").getLinkName());
        assertEquals("/etc/passwd", entries.get("dir/abs").getLinkName(), "a link is stored, never followed");
        assertEquals(0, entries.get("dir/abs").getSize());

        Path out = Files.createDirectories(dir.resolve("extracted"));
        Path file = dir.resolve("export.tar.zst");
        Files.write(file, archive.toByteArray());
        Process tar = new ProcessBuilder("tar", "--zstd", "-xf", file.toString(), "-C", out.toString()).redirectErrorStream(true).start();
        assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes()));
        assertEquals(TestData.sha256(known), TestData.sha256(Files.readAllBytes(out.resolve("known.bin"))));
        assertEquals("deep\n", Files.readString(out.resolve("dir/sub/deep.txt")));
        assertEquals(Path.of("../known.bin"), Files.readSymbolicLink(out.resolve("dir/up")));

        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class,
                () -> files.archive(List.of("/dir/../../etc"), new ByteArrayOutputStream())).code());
        assertEquals(ErrorCode.GuestPathNotFound, assertThrows(CofferException.class,
                () -> files.archive(List.of("/missing"), new ByteArrayOutputStream())).code());
    }
}

package coffer.virt.guestfs;

import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.virt.image.DiskImages;
import coffer.virt.nbd.NbdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libguestfs through Coffer's binding, reading an ext4 disk image served by Coffer's NBD server: file systems,
 * listings, stats, links and contents as made on the host with {@code mkfs.ext4 -d}. One appliance for the class
 * (it takes seconds to tens of seconds to boot under TCG; the time is printed).
 */
class GuestfsIT {
    @TempDir static Path dir;
    static NbdServer server;
    static Guestfs guestfs;
    static byte[] known;

    @BeforeAll
    static void launch() throws Exception {
        Environment.requireCommand("mkfs.ext4");
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libguestfs.so.0")), "libguestfs0 (Debian package)");
        Path tree = Files.createDirectories(dir.resolve("tree/dir/sub"));
        known = TestData.random(5, 3 * Guestfs.MAX_READ + 12345);
        Files.write(dir.resolve("tree/known.bin"), known);
        Files.writeString(dir.resolve("tree/dir/note.txt"), "hello\n");
        Files.createSymbolicLink(dir.resolve("tree/link"), Path.of("dir/note.txt"));
        Files.writeString(dir.resolve("tree/dir/sub/name with spaces\nand a newline"), "odd");
        Path image = dir.resolve("fs.raw");
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", "-d", dir.resolve("tree").toString(), image.toString(), "32M")
                .redirectErrorStream(true).start();
        assertEquals(0, mkfs.waitFor(), new String(mkfs.getInputStream().readAllBytes()));
        server = NbdServer.start(List.of(new NbdServer.Export("fs", DiskImages.openSource(image, "raw", false))), dir.resolve("nbd.sock"), null, 4);
        guestfs = Guestfs.launch(server.unixExport("fs"), Guestfs.Options.DEFAULT);
        System.out.println("GuestfsIT: libguestfs appliance launched in " + guestfs.launchTime().toMillis() + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        if (guestfs != null) {
            guestfs.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void findsTheFileSystemAndReadsItsTreeMetadataLinksAndContents() throws Exception {
        assertEquals(List.of(), guestfs.partitions());
        assertEquals(List.of(new Filesystem("/dev/sda", "ext4")), guestfs.filesystems());
        guestfs.mountReadOnly("/dev/sda");
        assertEquals(List.of("dir", "known.bin", "link", "lost+found"), guestfs.list("/"));
        assertEquals(List.of("name with spaces\nand a newline"), guestfs.list("/dir/sub"));

        Map<String, FileStat> stats = guestfs.stats("/", guestfs.list("/"));
        assertEquals(FileStat.Type.DIRECTORY, stats.get("dir").type());
        assertEquals(FileStat.Type.FILE, stats.get("known.bin").type());
        assertEquals(known.length, stats.get("known.bin").size());
        assertEquals(FileStat.Type.SYMLINK, stats.get("link").type());
        FileStat note = guestfs.stat("/dir/note.txt");
        assertEquals(6, note.size());
        assertEquals(Files.getLastModifiedTime(dir.resolve("tree/dir/note.txt")).toInstant().getEpochSecond(),
                note.modified().getEpochSecond());
        assertEquals("dir/note.txt", guestfs.readlink("/link"));

        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] buffer = new byte[Guestfs.MAX_READ];
        for (long offset = 0; ; ) {
            int n = guestfs.read("/known.bin", offset, buffer, buffer.length);
            if (n == 0) {
                break;
            }
            content.write(buffer, 0, n);
            offset += n;
        }
        assertEquals(TestData.sha256(known), TestData.sha256(content.toByteArray()));

        GuestfsException missing = assertThrows(GuestfsException.class, () -> guestfs.stat("/no/such/file"));
        assertEquals(2, missing.errno(), missing.getMessage());
        assertTrue(missing.getMessage().contains("/no/such/file"), missing.getMessage());
        assertEquals(List.of("dir", "known.bin", "link", "lost+found"), guestfs.list("/"), "usable after an error");
    }
}

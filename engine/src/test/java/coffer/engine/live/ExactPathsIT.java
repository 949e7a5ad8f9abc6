package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.FileList;
import coffer.engine.operation.FileView;
import coffer.engine.operation.ListFiles;
import coffer.engine.operation.hosted.FileBrowsing;
import coffer.testing.DiskWithFiles;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Naming a guest file exactly (docs/cli.md, "Files of a point"): an ext4 disk made on the host holds names that are not
 * UTF-8, one with a backslash and one with a C1 control; every name as {@code files ls} prints it is stat'ed and
 * exported through the escaped form, the bytes handed to libguestfs as they are. One appliance boot (one browsing
 * session for the listing, the stats and the archive).
 */
class ExactPathsIT {
    @TempDir static Path dir;
    static BackedUpFileTree disk;
    static TestVault vault;
    static PointManifest point;
    static BrowseSessions sessions;

    /** name as stored (built by the shell's printf) → content; the directory d\xff holds in\xfe and ok. */
    static final Map<String, String> FILES = new LinkedHashMap<>();

    @BeforeAll
    static void backUpADiskWithOddNames() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        // names a Java string cannot make (bytes that are not UTF-8) come from the shell
        DiskWithFiles.shell("""
                cd "$1" && printf latin1 > "$(printf 'caf\\351')" && mkdir "$(printf 'd\\377')" \
                && printf inner > "$(printf 'd\\377/in\\376')" && printf ok > "$(printf 'd\\377/ok')" \
                && printf bs > 'back\\slash' && printf c1 > "$(printf 'u\\302\\205')" \
                && ln -s ok "$(printf 'l\\375')"
                """, tree);
        disk = BackedUpFileTree.of(dir, tree, "odd", "16M");
        vault = disk.vault();
        point = disk.point();
        sessions = disk.sessions();
    }

    @AfterAll
    static void close() throws IOException {
        if (disk != null) {
            disk.close();
        }
    }

    private static FileList call(ListFiles request) {
        return FileBrowsing.files(sessions, vault.vault(), "", point.id(), request);
    }

    /** A name as {@code files ls} prints it in text (coffer.cli.Render): escaped unless it came escaped. */
    private static String printed(FileView f) {
        return f.escaped() ? f.name() : GuestNames.escape(f.name());
    }

    @Test
    void everyNameAsListedIsStatedAndExportedThroughItsEscapedForm() throws Exception {
        FileList root = call(new ListFiles(point.id(), "vda", null, "/", false, null, null, true));
        Map<String, FileView> byPrinted = new LinkedHashMap<>();
        root.files().forEach(f -> byPrinted.put(printed(f), f));
        assertTrue(byPrinted.keySet().containsAll(List.of("caf\\xe9", "d\\xff", "back\\\\slash", "u\\u0085", "l\\xfd")),
                byPrinted.keySet().toString());
        assertTrue(byPrinted.get("caf\\xe9").escaped() && byPrinted.get("d\\xff").escaped());

        // stat of each name as printed: the same file as the listing's entry
        for (String name : List.of("caf\\xe9", "d\\xff", "back\\\\slash", "u\\u0085", "l\\xfd")) {
            FileView listed = byPrinted.get(name);
            FileView stat = call(new ListFiles(point.id(), "vda", null, "/" + name, true, null, null, true)).files().getFirst();
            assertEquals(listed, stat, name);
        }
        FileView latin = call(new ListFiles(point.id(), "vda", null, "/caf\\xe9", true, null, null, true)).files().getFirst();
        assertEquals("FILE", latin.type());
        assertEquals(6, latin.size());
        assertEquals("ok", byPrinted.get("l\\xfd").linkTarget());

        // a directory whose name is not UTF-8 lists, and what it holds is named through it
        FileList inside = call(new ListFiles(point.id(), "vda", null, "/d\\xff", false, null, null, true));
        assertEquals(List.of("in\\xfe", "ok"), inside.files().stream().map(ExactPathsIT::printed).toList());
        assertEquals(5, call(new ListFiles(point.id(), "vda", null, "/d\\xff/in\\xfe", true, null, null, true))
                .files().getFirst().size());

        // not escaped, the text is its own UTF-8: the printed form of a backslash name is another (missing) name
        CofferException missing = assertThrows(CofferException.class,
                () -> call(new ListFiles(point.id(), "vda", null, "/back\\\\slash", true, null, null, null)));
        assertEquals(ErrorCode.GuestPathNotFound, missing.code(), missing.getMessage());
        assertEquals(2, call(new ListFiles(point.id(), "vda", null, "/back\\slash", true, null, null, null)).files().getFirst().size());

        // an export of the escaped paths: contents as stored, names escaped in the archive (tar names are UTF-8)
        ExportFiles export = new ExportFiles(point.id(), "vda", null, List.of("/d\\xff", "/caf\\xe9", "/u\\u0085", "/l\\xfd"),
                null, true);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        FileArchive.Summary summary = sessions.mounted(vault.vault(), "", point.id(), "vda", null,
                files -> files.archivePaths(export.guestPaths(), archive));
        Map<String, String> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(new ByteArrayInputStream(archive.toByteArray())))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.put(e.getName(), e.isSymbolicLink() ? "-> " + e.getLinkName()
                        : e.isDirectory() ? "dir" : new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(Map.of("d\\xff/", "dir", "d\\xff/in\\xfe", "inner", "d\\xff/ok", "ok", "caf\\xe9", "latin1",
                "u\u0085", "c1", "l\\xfd", "-> ok"), entries);
        assertEquals(4, summary.files());
        assertEquals(1, summary.links());

        assertEquals(1, sessions.sessions().size(), "one session, one appliance, for all of it");
        try (Stream<Path> left = Files.list(dir.resolve("run"))) {
            assertEquals(1, left.count(), "the session's runtime directory only: the listings' scratch files are removed");
        }
    }
}

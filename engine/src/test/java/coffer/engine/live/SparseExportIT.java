package coffer.engine.live;

import coffer.engine.CountedProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.DiskWithFiles;
import coffer.testing.Environment;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.virt.guestfs.Guestfs;
import coffer.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guest files an export or a search would read far beyond what the guest stores (session 21, docs/reliability.md): an
 * ext4 disk made on the host holds a 64 GiB sparse file with a few bytes of data, smaller sparse files, and two names
 * that shared one archive name ({@code caf\xe9} spelt with a backslash, and Latin-1 {@code café}). The huge file is
 * refused before it is read ({@code ExportTooSparse}) and not checksummed by a search; the small ones export exactly
 * (extracted by GNU tar, compared by SHA-256 with the host's file); the two names extract as two files.
 */
class SparseExportIT {
    static final long HUGE = 64L << 30;
    static final long SMALL = 96L << 20;
    static final long HALF = 48L << 20;

    @TempDir static Path dir;
    static BackedUpFileTree disk;
    static TestVault vault;
    static PointManifest point;
    static BrowseSessions sessions;
    static Path tree;

    @BeforeAll
    static void backUpADiskWithSparseFiles() throws Exception {
        Environment.requireCommand("tar");
        Environment.requireCommand("zstd");
        tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("sparse/pair"));
        sparse(tree.resolve("sparse/huge.img"), HUGE, 1L << 30, HUGE - 4);
        sparse(tree.resolve("sparse/small.img"), SMALL, 0, 40L << 20, SMALL - 4);
        sparse(tree.resolve("sparse/pair/one.img"), HALF, 8L << 20);
        sparse(tree.resolve("sparse/pair/two.img"), HALF, 16L << 20);
        Files.writeString(tree.resolve("caf\\xe9"), "spelt");
        DiskWithFiles.shell("printf latin1 > \"$1/$(printf 'caf\\351')\"", tree);
        disk = BackedUpFileTree.of(dir, tree, "sparse21", "64M");
        vault = disk.vault();
        point = disk.point();
        sessions = disk.sessions();
    }

    /** A sparse file of {@code size} bytes holding 4 KiB of patterned data at each of {@code at}. */
    private static void sparse(Path file, long size, long... at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            for (long offset : at) {
                byte[] data = new byte[(int) Math.min(4096, size - offset)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (offset / 4096 + i * 7 + 1);
                }
                f.seek(offset);
                f.write(data);
            }
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (disk != null) {
            disk.close();
        }
    }

    private static FileArchive.Summary export(List<GuestPath> paths, long sparseLimit, Path archive) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive)) {
            return sessions.mounted(vault.vault(), "", point.id(), "vda", null,
                    files -> files.archivePaths(paths, sparseLimit, out));
        }
    }

    @Test
    void smallSparseFilesAndBothCafeNamesExtractExactly() throws Exception {
        Path archive = dir.resolve("exact.tar.zst");
        FileArchive.Summary summary = export(List.of(GuestPath.parse("/sparse/small.img"), GuestPath.parse("/sparse/pair"),
                GuestPath.parseEscaped("/caf\\\\xe9"), GuestPath.parseEscaped("/caf\\xe9")), FileArchive.DEFAULT_SPARSE_LIMIT, archive);
        assertEquals(5, summary.files());
        assertEquals(SMALL + 2 * HALF + 5 + 6, summary.bytes());

        Path out = Files.createDirectories(dir.resolve("extracted"));
        DiskWithFiles.run("tar", "--zstd", "-xf", archive.toString(), "-C", out.toString());
        assertEquals(TestData.sha256(tree.resolve("sparse/small.img")), TestData.sha256(out.resolve("sparse/small.img")), "holes and data as stored");
        assertEquals(SMALL, Files.size(out.resolve("sparse/small.img")));
        assertEquals(TestData.sha256(tree.resolve("sparse/pair/one.img")), TestData.sha256(out.resolve("sparse/pair/one.img")));
        assertEquals(TestData.sha256(tree.resolve("sparse/pair/two.img")), TestData.sha256(out.resolve("sparse/pair/two.img")));
        // two names, two files: the one spelt with a backslash has it doubled, the Latin-1 one is escaped
        assertEquals("spelt", Files.readString(out.resolve("caf\\\\xe9")));
        assertEquals("latin1", Files.readString(out.resolve("caf\\xe9")));
        try (var listed = Files.list(out)) {
            assertEquals(List.of("caf\\\\xe9", "caf\\xe9", "sparse"), listed.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aHugeSparseFileIsRefusedBeforeItIsReadNamingItsSizeAndTheLimit() {
        CofferException e = assertThrows(CofferException.class, () -> export(List.of(GuestPath.parse("/sparse")),
                FileArchive.DEFAULT_SPARSE_LIMIT, dir.resolve("huge.tar.zst")));
        assertEquals(ErrorCode.ExportTooSparse, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("'/sparse/huge.img' is a file of " + HUGE + " bytes (64.0 GiB)"), e.getMessage());
        assertTrue(e.getMessage().contains("at most " + FileArchive.DEFAULT_SPARSE_LIMIT + " bytes (1.0 GiB) of holes"), e.getMessage());
    }

    @Test
    void theLimitCountsHolesOverTheWholeExport() {
        // one.img's holes fit in 64 MiB, two.img's would take the export over it: two.img is named, after one.img
        CofferException e = assertThrows(CofferException.class, () -> export(List.of(GuestPath.parse("/sparse/pair")),
                64L << 20, dir.resolve("pair.tar.zst")));
        assertEquals(ErrorCode.ExportTooSparse, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("'/sparse/pair/two.img' is a file of " + HALF + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("bytes went to the files before it"), e.getMessage());
        // refused from its stat, before it is read: the appliance answered, so the browsing session is kept
        BrowseSessions.SessionView kept = onlySession();
        // a limit of 0 refuses any hole at all; a file without holes still exports
        CofferException none = assertThrows(CofferException.class, () -> export(List.of(GuestPath.parse("/sparse/small.img")),
                0, dir.resolve("none.tar.zst")));
        assertTrue(none.getMessage().startsWith("'/sparse/small.img'"), none.getMessage());
        BrowseSessions.SessionView after = onlySession();
        assertEquals(kept.opened(), after.opened(), "the second refusal used the same session (no second appliance boot)");
        assertEquals(kept.uses() + 1, after.uses());
    }

    private static BrowseSessions.SessionView onlySession() {
        List<BrowseSessions.SessionView> kept = sessions.sessions();
        assertEquals(1, kept.size(), "a refused export keeps its browsing session: " + kept);
        return kept.getFirst();
    }

    @Test
    void aSearchChecksumsAtMostItsBoundOfHoles() throws Exception {
        List<String> log = new ArrayList<>();
        FileSearch.Result found = FileSearch.run(List.of(new FileSearch.Target(vault.vault(), point)),
                new FileSearch.Query(NameGlob.parse("*.img"), GuestPath.parse("/sparse"), null, null, FileSearch.MAX_MATCHES,
                        FileSearch.MAX_CHECKSUM_BYTES, FileSearch.DRIVES_PER_APPLIANCE, 64L << 20),
                dir.resolve("search-run"), Guestfs.Options.DEFAULT, new CountedProgress(), log::add);
        Map<String, FileSearch.Match> byPath = found.matches().stream().collect(Collectors.toMap(FileSearch.Match::path, m -> m));
        assertEquals(4, byPath.size(), byPath.keySet().toString());
        assertNull(byPath.get("/sparse/huge.img").sha256(), "over the size bound: never read");
        assertEquals(HUGE, byPath.get("/sparse/huge.img").size());
        assertNull(byPath.get("/sparse/small.img").sha256(), "96 MiB of holes: over the search's 64 MiB");
        List<String> pair = new ArrayList<>();
        for (String name : List.of("one", "two")) {
            String sha = byPath.get("/sparse/pair/" + name + ".img").sha256();
            if (sha != null) {
                assertEquals(TestData.sha256(tree.resolve("sparse/pair/" + name + ".img")), sha, name);
                pair.add(name);
            }
        }
        assertEquals(1, pair.size(), "48 MiB of holes fit once in 64 MiB: " + pair);
        assertTrue(found.notes().stream().anyMatch(n -> n.startsWith("2 sparse file(s) reported without checksum (")
                && n.contains("at most " + (64L << 20) + " bytes of holes")), found.notes().toString());

        // the default bound (1 GiB) checksums every file under the size bound, exactly
        FileSearch.Result all = FileSearch.run(List.of(new FileSearch.Target(vault.vault(), point)),
                new FileSearch.Query(NameGlob.parse("small.img"), GuestPath.parse("/sparse"), null, null),
                dir.resolve("search-run"), Guestfs.Options.DEFAULT, new CountedProgress(), log::add);
        assertEquals(TestData.sha256(tree.resolve("sparse/small.img")), all.matches().getFirst().sha256());
        assertTrue(all.notes().isEmpty(), all.notes().toString());
    }
}

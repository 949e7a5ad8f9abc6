package coffer.engine.live;

import coffer.engine.CountedProgress;
import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.FileSearchResult;
import coffer.engine.operation.SearchFiles;
import coffer.engine.operation.offline.OfflineOperations;
import coffer.engine.vault.VaultLocation;
import coffer.testing.DiskWithFiles;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.virt.guestfs.FileStat;
import coffer.virt.guestfs.Guestfs;
import coffer.virt.image.DiskImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding a file across points (docs/design/live-access.md, "Searching a file across points"): three points of image
 * "fs", each an ext4 disk made on the host ({@code mkfs.ext4 -d}) and backed up into a vault, where /etc/x changes
 * in the second point, /etc/xnew appears in the third, and odd names (a newline, a byte that is not UTF-8) sit beside
 * them. Each test boots its appliance(s) for real; checksums are compared with the files' own SHA-256.
 */
class FileSearchIT {
    @TempDir static Path dir;
    static TestVault vault;
    static List<PointManifest> points = new ArrayList<>(); // oldest first

    @BeforeAll
    static void backUpThreePoints() throws Exception {
        DiskWithFiles.requireTools();
        vault = VaultFlavour.LOCAL.create(dir);
        String[] etcX = {"one\n", "two\n", "two\n"};
        for (int i = 0; i < 3; i++) {
            Path tree = Files.createDirectories(dir.resolve("tree" + i));
            Files.createDirectories(tree.resolve("etc"));
            Files.createDirectories(tree.resolve("var/log"));
            Files.writeString(tree.resolve("etc/x"), etcX[i]);
            Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n");
            Files.writeString(tree.resolve("var/log/x"), "log\n");
            Files.createSymbolicLink(tree.resolve("etc/xl"), Path.of("x"));
            if (i == 2) {
                Files.writeString(tree.resolve("etc/xnew"), "new\n");
            }
            // a name with a newline and one with a byte that is not UTF-8 (made by the shell: Java names are text)
            DiskWithFiles.shell("printf odd > \"$1/etc/$(printf 'x\\nodd')\" && printf bad > \"$1/etc/$(printf 'x\\377')\"", tree);
            Path image = DiskWithFiles.ext4(tree, dir.resolve("fs" + i + ".raw"), "16M");
            points.add(vault.backup("fs", DiskImages.openSource(image, "raw", false), null));
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (vault != null) {
            vault.close();
        }
    }

    private static List<FileSearch.Target> targets(int... indexes) {
        List<FileSearch.Target> targets = new ArrayList<>();
        for (int i : indexes) {
            targets.add(new FileSearch.Target(vault.vault(), points.get(i)));
        }
        return targets;
    }

    private static FileSearch.Query query(String name, String path, int drivesPerAppliance) {
        return new FileSearch.Query(NameGlob.parse(name), GuestPath.parse(path), null, null, FileSearch.MAX_MATCHES,
                FileSearch.MAX_CHECKSUM_BYTES, drivesPerAppliance);
    }

    private static List<FileSearchResult.Found> of(FileSearchResult result, String path) {
        return result.matches().stream().filter(f -> f.path().equals(path)).toList();
    }

    @Test
    void findsEveryVersionOfAFileAcrossThreePointsInOneApplianceMarkingWhereItsContentChanged() throws Exception {
        CountedProgress progress = new CountedProgress();
        List<String> log = new ArrayList<>();
        FileSearch.Result found = FileSearch.run(targets(2, 1, 0), query("x*", "/", FileSearch.DRIVES_PER_APPLIANCE),
                dir.resolve("run"), Guestfs.Options.DEFAULT, progress, log::add);
        System.out.println("FileSearchIT: 3 points in " + found.appliances() + " appliance(s), boot " + found.bootTime().toMillis()
                + " ms");
        assertEquals(1, found.appliances(), "one appliance for the three points' disks");
        assertEquals(3, found.points());
        assertFalse(found.truncated());
        assertEquals(progress.total(), progress.done(), "progress reaches its total");
        assertEquals(3 * (16L << 20), progress.total());
        FileSearchResult result = FileSearchResult.of("fs", "x*", "/", found);

        List<FileSearchResult.Found> x = of(result, "/etc/x");
        assertEquals(ids(0, 1, 2), x.stream().map(FileSearchResult.Found::point).toList(), "oldest point first");
        assertEquals(List.of("new", "changed", "same"), x.stream().map(FileSearchResult.Found::change).toList());
        assertEquals(List.of(1, 2, 2), x.stream().map(FileSearchResult.Found::version).toList());
        assertEquals(List.of(sha("one\n"), sha("two\n"), sha("two\n")), x.stream().map(FileSearchResult.Found::sha256).toList());
        assertEquals(List.of(4L, 4L, 4L), x.stream().map(FileSearchResult.Found::size).toList());
        for (FileSearchResult.Found f : result.matches()) {
            assertEquals("vda", f.disk());
            assertEquals("/dev/sda", f.filesystem(), "named as for the disk alone, whichever drive it was");
        }
        assertEquals(points.get(0).createdAt(), x.getFirst().pointTime());

        List<FileSearchResult.Found> xnew = of(result, "/etc/xnew");
        assertEquals(ids(2), xnew.stream().map(FileSearchResult.Found::point).toList(), "only in the third point");
        assertEquals("new", xnew.getFirst().change());
        assertEquals(sha("new\n"), xnew.getFirst().sha256());

        List<FileSearchResult.Found> log1 = of(result, "/var/log/x");
        assertEquals(List.of("new", "same", "same"), log1.stream().map(FileSearchResult.Found::change).toList());

        List<FileSearchResult.Found> link = of(result, "/etc/xl");
        assertEquals(3, link.size());
        assertEquals(FileStat.Type.SYMLINK.name(), link.getFirst().type());
        assertEquals("x", link.getFirst().linkTarget(), "a link is reported, not followed");
        assertNull(link.getFirst().sha256());

        List<FileSearchResult.Found> newline = of(result, "/etc/x\nodd");
        assertEquals(3, newline.size());
        assertFalse(newline.getFirst().escaped(), "UTF-8 with a newline: the name itself (JSON escapes it)");
        assertEquals(sha("odd"), newline.getFirst().sha256());
        List<FileSearchResult.Found> bad = of(result, "/etc/x\\xff");
        assertEquals(3, bad.size(), "a name that is not UTF-8, escaped, still read through its own bytes");
        assertTrue(bad.getFirst().escaped());
        assertEquals(sha("bad"), bad.getFirst().sha256());

        assertEquals(3 * 5 + 1, result.count(), "x, xl, x\\nodd, x\\xff and /var/log/x in each point, xnew once");
        for (String each : List.of("(1 of 3)", "(2 of 3)", "(3 of 3)")) {
            assertTrue(log.stream().anyMatch(l -> l.contains(each)), "a point counted done at a time: " + log);
        }
        assertTrue(Files.list(dir.resolve("run")).findAny().isEmpty(), "the runtime directory is removed");
    }

    @Test
    void offlinePathAndPointsRestrictTheSearchAndAGlobMatchingNothingIsNoError() throws Exception {
        try (OfflineOperations offline = offline()) {
            FileSearchResult result = offline.start(new SearchFiles("fs", "x", "/var", null, null, 2)).await(JobProgress.NONE);
            assertEquals(2, result.pointsSearched(), "--points 2: the two newest");
            assertEquals(1, result.appliances());
            assertEquals(List.of("/var/log/x", "/var/log/x"), result.matches().stream().map(FileSearchResult.Found::path).toList(),
                    "--path /var: nothing under /etc");
            assertEquals(ids(1, 2), result.matches().stream().map(FileSearchResult.Found::point).toList());
            assertEquals(sha("log\n"), result.matches().getFirst().sha256());

            FileSearchResult none = offline.start(new SearchFiles("fs", "nothing-*", "/no/such/dir", "vda", "/dev/sda", 1))
                    .await(JobProgress.NONE);
            assertEquals(0, none.count());
            assertEquals(1, none.pointsSearched());
        }
    }

    @Test
    void onePointPerApplianceFindsTheSameAsOneForAll() throws Exception {
        FileSearch.Result separate = FileSearch.run(targets(0, 1), query("x", "/etc", 1), dir.resolve("run"),
                Guestfs.Options.DEFAULT, JobProgress.NONE, line -> { });
        System.out.println("FileSearchIT: 2 points in " + separate.appliances() + " appliance(s), boot "
                + separate.bootTime().toMillis() + " ms");
        assertEquals(2, separate.appliances());
        assertEquals(List.of(sha("one\n"), sha("two\n")), separate.matches().stream().map(FileSearch.Match::sha256).toList());
        assertEquals(ids(0, 1), separate.matches().stream().map(FileSearch.Match::point).toList());
    }

    @Test
    void btrfsPointsOfOneFileSystemIdShareAnApplianceAndEachGivesItsOwnContent() throws Exception {
        Environment.requireCommand("mkfs.btrfs");
        List<FileSearch.Target> btrfs = new ArrayList<>();
        for (String content : List.of("first\n", "second\n")) {
            Path tree = Files.createDirectories(dir.resolve("btrfs-" + btrfs.size()));
            Files.writeString(tree.resolve("f"), content);
            Path image = dir.resolve("btrfs" + btrfs.size() + ".raw");
            DiskWithFiles.run("truncate", "-s", "128M", image.toString());
            // one file system id for both: what two points of one guest's btrfs disk have
            DiskWithFiles.run("mkfs.btrfs", "-q", "-f", "-U", "6d1b3f1e-3c1a-4d6e-9a55-0c1f0e2b7a11", "--rootdir", tree.toString(),
                    image.toString());
            btrfs.add(new FileSearch.Target(vault.vault(), vault.backup("bt", DiskImages.openSource(image, "raw", false), null)));
        }
        FileSearch.Result result = FileSearch.run(btrfs, query("f", "/", FileSearch.DRIVES_PER_APPLIANCE), dir.resolve("run"),
                Guestfs.Options.DEFAULT, JobProgress.NONE, line -> { });
        assertEquals(List.of(btrfs.get(0).point().id(), btrfs.get(1).point().id()),
                result.matches().stream().map(FileSearch.Match::point).toList());
        assertEquals(List.of(sha("first\n"), sha("second\n")), result.matches().stream().map(FileSearch.Match::sha256).toList(),
                "each point's own file system, not the other's of the same id");
        assertEquals(1, result.appliances());
    }

    @Test
    void refusesADiskNoPointHasABadGlobAndNoPointsWithTheirCodes() throws Exception {
        CofferException disk = assertThrows(CofferException.class, () -> FileSearch.run(targets(0, 1),
                new FileSearch.Query(NameGlob.parse("x"), GuestPath.ROOT, "vdb", null), dir.resolve("run"),
                Guestfs.Options.DEFAULT, JobProgress.NONE, line -> { }));
        assertEquals(ErrorCode.DiskNotInPoint, disk.code());
        assertTrue(disk.getMessage().contains("vdb") && disk.getMessage().contains("vda"), disk.getMessage());
        for (String glob : List.of("[ab", "a/b", "{a,b", "a}", "x\\", "")) {
            assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class,
                    () -> new SearchFiles("fs", glob, null, null, null, null)).code(), glob);
        }
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class,
                () -> new SearchFiles("fs", "x", "/etc/../..", null, null, null)).code());
        try (OfflineOperations offline = offline()) {
            assertEquals(ErrorCode.PointNotFound, assertThrows(CofferException.class,
                    () -> offline.start(new SearchFiles("no-such-instance", "x", null, null, null, null)).await(JobProgress.NONE))
                    .code());
            assertEquals(ErrorCode.DiskNotInPoint, assertThrows(CofferException.class,
                    () -> offline.start(new SearchFiles("fs", "x", null, "vdz", null, null)).await(JobProgress.NONE)).code());
        }
    }

    @Test
    void aCancelledSearchLeavesNoApplianceRunning() throws Exception {
        Path runtime = dir.resolve("cancel");
        AtomicReference<Throwable> ended = new AtomicReference<>();
        AtomicReference<List<String>> running = new AtomicReference<>(List.of());
        Thread search = Thread.ofPlatform().start(() -> {
            try {
                FileSearch.run(targets(0, 1, 2), query("*", "/", FileSearch.DRIVES_PER_APPLIANCE), runtime,
                        Guestfs.Options.DEFAULT, JobProgress.NONE, line -> {
                            if (line.startsWith("appliance")) { // booted: cancel the job now, as its runner would
                                running.set(appliances());
                                Thread.currentThread().interrupt();
                            }
                        });
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        search.join();
        assertFalse(running.get().isEmpty(), "the appliance's QEMU is seen while it runs");
        CofferException cancelled = assertInstanceOf(CofferException.class, ended.get());
        assertEquals(ErrorCode.Cancelled, cancelled.code());
        assertEquals(List.of(), appliances(), "no appliance left once the search returned");
        try (Stream<Path> left = Files.list(runtime)) {
            assertEquals(List.of(), left.toList(), "sockets and runtime directories removed");
        }
    }

    /** The QEMU processes this JVM started (libguestfs runs its appliance as a child), with their command lines. */
    private static List<String> appliances() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + ": " + p.info().commandLine().orElse("?"))
                .filter(line -> line.contains("qemu")).toList();
    }

    private OfflineOperations offline() {
        return new OfflineOperations(new OfflineOperations.Settings(new VaultLocation.Directory(dir.resolve("vault")),
                dir.resolve("keyring.json"),
                null, dir.resolve("offline-run"), 0, Clock.systemUTC()));
    }


    private static List<String> ids(int... indexes) {
        List<String> ids = new ArrayList<>();
        for (int i : indexes) {
            ids.add(points.get(i).id());
        }
        return ids;
    }

    private static String sha(String content) {
        return TestData.sha256(content.getBytes(StandardCharsets.UTF_8));
    }
}

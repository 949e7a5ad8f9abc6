package coffer.vault.backend;

import coffer.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LocalDirectoryBackendTest extends BackendContract {
    @TempDir
    Path dir;
    private Path root;

    @Override
    protected Backend newBackend() {
        root = dir.resolve("vault");
        return open(root);
    }

    /**
     * The way of publishing this class forces, or {@code null} here: the backend decides at its first write as a
     * command's does (subclasses force each other way).
     */
    LocalDirectoryBackend.Publishing forced() {
        return null;
    }

    /** A backend of {@code root} as this class tests it: publishing the {@link #forced} way, or deciding. */
    final LocalDirectoryBackend open(Path root) {
        LocalDirectoryBackend.Publishing forced = forced();
        return forced == null ? new LocalDirectoryBackend(root) : new LocalDirectoryBackend(root, forced);
    }

    /**
     * How {@link #open}'s backends publish after their first write: the forced way, or else an unnamed file (the
     * test directory is on a file system with {@code O_TMPFILE}, ext4 or tmpfs, and /proc is mounted), linked
     * through its descriptor on Linux 6.10 and later or as root, else through /proc.
     */
    final Set<LocalDirectoryBackend.Publishing> publishingAfterAWrite() {
        LocalDirectoryBackend.Publishing forced = forced();
        return forced == null
                ? EnumSet.of(LocalDirectoryBackend.Publishing.UNNAMED_DESCRIPTOR, LocalDirectoryBackend.Publishing.UNNAMED_PROC)
                : EnumSet.of(forced);
    }

    private boolean unnamed() {
        return !publishingAfterAWrite().contains(LocalDirectoryBackend.Publishing.NAMED);
    }

    @Test
    void theFirstPutIfAbsentDecidesHowObjectsArePublishedAndTheDecisionIsKept() throws IOException {
        LocalDirectoryBackend local = (LocalDirectoryBackend) backend;
        assertTrue(local.putIfAbsent("chunks/ab/one", bytes("1")));
        LocalDirectoryBackend.Publishing decided = local.publishing();
        assertTrue(publishingAfterAWrite().contains(decided), decided.toString());
        assertTrue(local.putIfAbsent("chunks/cd/two", bytes("2")));
        assertFalse(local.putIfAbsent("chunks/cd/two", bytes("2 again")));
        assertEquals(decided, local.publishing());
        assertEquals("1", string(backend.get("chunks/ab/one")));
        assertEquals("2", string(backend.get("chunks/cd/two")));
    }

    /**
     * sysfs has no unnamed files ({@code EOPNOTSUPP}) and no new files at all: the write is refused both ways, and
     * the backend writes named temporaries from then on. Needs a writable sysfs (root), else skipped.
     */
    @Test
    void aFileSystemWithoutUnnamedFilesIsFoundAtTheFirstWriteAndNamedTemporariesAreWrittenFromThenOn() throws IOException {
        Path sysfs = Path.of("/sys/kernel");
        assumeTrue(Files.isDirectory(sysfs) && Files.isWritable(sysfs), "a writable sysfs");
        String name = "coffer-test-" + Long.toHexString(System.nanoTime());
        LocalDirectoryBackend refusing = open(sysfs);
        BackendException failed = assertThrows(BackendException.class, () -> refusing.putIfAbsent(name, bytes("x")));
        assertTrue(failed.getMessage().contains("/sys/kernel/" + LocalDirectoryBackend.TEMP_MARK), failed.getMessage());
        assertEquals(LocalDirectoryBackend.Publishing.NAMED, refusing.publishing());
        assertFalse(Files.exists(sysfs.resolve(name)));
    }

    @Test
    void putIfAbsentKeepsAFileAlreadyAtTheNameWithoutAnErrorAndLeavesNothingBeside() throws IOException {
        Path there = root.resolve("chunks/ab/there");
        Files.createDirectories(there.getParent());
        Files.writeString(there, "written by another writer");
        assertFalse(backend.putIfAbsent("chunks/ab/there", bytes("mine")), "the existing file wins");
        assertEquals("written by another writer", Files.readString(there));
        assertTrue(((LocalDirectoryBackend) backend).publishing() != LocalDirectoryBackend.Publishing.UNDECIDED,
                "a write that found its object decides too");
        assertEquals(List.of(there), allFiles());
    }

    @Test
    void chunksWrittenAsUnnamedFilesNeedNoTemporaryDirectory() throws IOException {
        backend.putIfAbsent("chunks/ab/one", bytes("1"));
        backend.putIfAbsent("chunks/ab/one", bytes("1"));
        assertEquals(!unnamed(), Files.isDirectory(root.resolve(LocalDirectoryBackend.TEMP_MARK)),
                "a writer directory only where chunks are written as named temporaries");
        backend.put("config", bytes("c"));
        assertTrue(Files.isDirectory(root.resolve(LocalDirectoryBackend.TEMP_MARK)), "put writes a named temporary");
    }

    @Test
    void aWriterOfUnnamedFilesKilledMidWriteLeavesNothingBehind() throws Exception {
        assumeTrue(unnamed(), "named temporaries are removed by the next writer (the test below)");
        backend.putIfAbsent("chunks/aa/first", bytes("f"));
        LocalDirectoryBackend.Publishing publishing = ((LocalDirectoryBackend) backend).publishing();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, LargePutIfAbsentMain.class.getName(),
                root.toString(), publishing.name())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Await.until(() -> {
                assertTrue(writer.isAlive(), "the writer ended before it could be killed");
                return !unnamedFilesOf(writer.pid()).isEmpty();
            }, Duration.ofSeconds(60), Duration.ofMillis(5), () -> "an unnamed file open in the writer");
        } finally {
            writer.destroyForcibly(); // SIGKILL, mid-write
            writer.waitFor();
        }
        for (Path file : allFiles()) {
            String name = root.relativize(file).toString();
            assertTrue(name.equals("chunks/aa/first") || Files.size(file) == LargePutIfAbsentMain.SIZE,
                    "only whole objects: " + name + ", " + Files.size(file) + " bytes");
        }
        assertFalse(Files.exists(root.resolve(LocalDirectoryBackend.TEMP_MARK)), "no writer directory");
    }

    /** The unnamed files under the vault that process {@code pid} holds open (as /proc shows them). */
    private List<String> unnamedFilesOf(long pid) throws IOException {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(root.toString()) && target.endsWith(" (deleted)")) {
                        found.add(target);
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while listed
                }
            }
        } catch (NoSuchFileException ended) {
            // the process is gone
        }
        return found;
    }

    /** Writes one large new object after another, as unnamed files, into the directory given, until killed. */
    static final class LargePutIfAbsentMain {
        static final int SIZE = 256 << 20;

        public static void main(String[] args) throws IOException {
            LocalDirectoryBackend backend = new LocalDirectoryBackend(Path.of(args[0]),
                    LocalDirectoryBackend.Publishing.valueOf(args[1]));
            ByteBuffer large = ByteBuffer.allocate(SIZE);
            for (int i = 0; ; i++) {
                backend.putIfAbsent("chunks/aa/large-" + i, large.duplicate());
            }
        }
    }

    private List<Path> allFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        coffer.vault.fs.FileTree.walkFiles(root, found::add);
        return found;
    }

    @Override
    protected void putModifiedAt(String name, byte[] bytes, Instant modified) throws IOException {
        backend.put(name, ByteBuffer.wrap(bytes));
        Files.setLastModifiedTime(root.resolve(name), FileTime.from(modified));
    }

    /** What a put killed between writing its temporary and publishing it leaves behind. */
    private Path leaveInterruptedPut(String name, byte[] partial, Instant modified) throws IOException {
        Path temp = root.resolve(name + LocalDirectoryBackend.TEMP_MARK + "5eed1234abcd");
        Files.createDirectories(temp.getParent());
        Files.write(temp, partial);
        Files.setLastModifiedTime(temp, FileTime.from(modified));
        return temp;
    }

    @Test
    void objectsAndTheirDirectoriesAreOwnerOnly() throws IOException {
        backend.put("config", ByteBuffer.wrap(new byte[]{1}));
        backend.putIfAbsent("chunks/ab/cdef", ByteBuffer.wrap(new byte[]{2}));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("config"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("chunks/ab/cdef"))));
        for (Path made : List.of(root, root.resolve("chunks"), root.resolve("chunks/ab"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)), made.toString());
        }
    }

    @Test
    void anInterruptedPutIsInvisibleAndRemovedByRemoveAbandonedUploads() throws IOException {
        Path temp = leaveInterruptedPut("chunks/ab/abandoned", new byte[]{1, 2, 3}, Instant.now().minus(Duration.ofHours(2)));

        assertEquals(List.of(), backend.list(""), "temporaries are never listed");
        assertEquals(List.of(), backend.list("chunks/ab/"));
        assertTrue(backend.stat("chunks/ab/abandoned").isEmpty());
        assertThrows(ObjectNotFoundException.class, () -> backend.get("chunks/ab/abandoned"));

        assertEquals(1, backend.removeAbandonedUploads(Instant.now().minus(Duration.ofHours(1))));
        assertFalse(Files.exists(temp));
        assertEquals(0, backend.removeAbandonedUploads(Instant.now()), "already removed");
    }

    @Test
    void removeAbandonedUploadsKeepsTemporariesOfWritesStillInProgress() throws IOException {
        Path old = leaveInterruptedPut("chunks/ab/old", new byte[]{1}, Instant.now().minus(Duration.ofHours(2)));
        Path recent = leaveInterruptedPut("chunks/cd/recent", new byte[]{2}, Instant.now());
        putModifiedAt("chunks/ef/published", new byte[]{3}, Instant.now().minus(Duration.ofDays(3)));

        assertEquals(1, backend.removeAbandonedUploads(Instant.now().minus(Duration.ofHours(1))));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent), "a temporary younger than the cutoff may belong to a running write");
        assertArrayEquals(new byte[]{3}, bytesOf(backend.get("chunks/ef/published")));
    }

    @Test
    void putIfAbsentCreatesTheObjectBesideAnAbandonedTemporaryOfTheSameName() throws IOException {
        leaveInterruptedPut("chunks/ab/x", new byte[]{9}, Instant.now());
        assertTrue(backend.putIfAbsent("chunks/ab/x", bytes("whole")));
        assertEquals("whole", string(backend.get("chunks/ab/x")));
        assertEquals(List.of("chunks/ab/x"), names(backend.list("")));
    }

    @Test
    void putAndPutIfAbsentLeaveNoTemporaryBehind() throws IOException {
        backend.put("a/one", bytes("1"));
        backend.put("a/one", bytes("1 again"));
        backend.putIfAbsent("a/two", bytes("2"));
        backend.putIfAbsent("a/two", bytes("2 again"));
        try (Stream<Path> files = Files.walk(root)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().contains(LocalDirectoryBackend.TEMP_MARK)).toList());
        }
    }

    @Test
    void writersRacingIntoANewDirectoryAllPublish() throws Exception {
        int writers = 8;
        int rounds = 200;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            start.await(); // each round's objects go into a directory no writer has made yet
                            assertTrue(backend.putIfAbsent("chunks/r" + r + "/w" + writer, bytes(r + "." + writer)));
                        }
                    } catch (BrokenBarrierException anotherWriterFailed) {
                        return null;
                    } catch (Exception | AssertionError e) {
                        start.reset(); // releases the others waiting for this writer
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(writers * rounds, backend.list("chunks/").size());
        assertEquals("7.3", string(backend.get("chunks/r7/w3")));
    }

    @Test
    void aWriteAfterThisWritersEmptyTemporaryDirectoryWasRemovedMakesItAgain() throws IOException {
        backend.putIfAbsent("chunks/ab/one", bytes("1"));
        coffer.vault.fs.FileTree.delete(root.resolve(LocalDirectoryBackend.TEMP_MARK)); // as gc removes empty writer directories
        assertTrue(backend.putIfAbsent("chunks/ab/two", bytes("2")));
        backend.put("chunks/cd/three", bytes("3"));
        assertEquals("2", string(backend.get("chunks/ab/two")));
        assertEquals("3", string(backend.get("chunks/cd/three")));
    }

    @Test
    void deletingTheLastObjectOfADirectoryRemovesTheEmptiedDirectoriesAndALaterPutMakesThemAgain() throws IOException {
        backend.put("points/20260101-000000-00000001/disk-0.fidx", bytes("i"));
        backend.put("points/20260101-000000-00000001/manifest", bytes("m"));
        backend.put("points/20260101-000000-00000002/manifest", bytes("m"));
        backend.delete("points/20260101-000000-00000001/disk-0.fidx");
        assertTrue(Files.isDirectory(root.resolve("points/20260101-000000-00000001")), "not empty yet");
        backend.delete("points/20260101-000000-00000001/manifest");
        assertFalse(Files.exists(root.resolve("points/20260101-000000-00000001")), "a deleted point leaves no directory");
        assertEquals(List.of("20260101-000000-00000002"), backend.listChildren("points/"));
        backend.delete("points/20260101-000000-00000002/manifest");
        assertFalse(Files.exists(root.resolve("points")));
        assertTrue(Files.isDirectory(root), "the root stays");
        assertTrue(backend.putIfAbsent("points/20260101-000000-00000003/manifest", bytes("again")));
        assertEquals("again", string(backend.get("points/20260101-000000-00000003/manifest")));
    }

    @Test
    void theTemporariesOfADeadWriterOfThisHostAreRemovedByTheNextWriteAndALiveWritersAreKept() throws IOException {
        backend.put("config", bytes("c"));
        Path dead = root.resolve(LocalDirectoryBackend.TEMP_MARK).resolve(WriterDirectory.host() + "."
                + 999_999_999L + ".1700000000000.0badcafe");
        Files.createDirectories(dead);
        Files.write(dead.resolve("abc" + LocalDirectoryBackend.TEMP_MARK + "1234"), new byte[]{1});
        LocalDirectoryBackend live = open(root); // another writer of this (live) process
        live.put("chunks/aa/live", bytes("l"));
        Path liveDir = temporaryDirectories().stream().filter(p -> !p.equals(dead)).findFirst().orElseThrow();

        LocalDirectoryBackend next = open(root);
        next.put("chunks/aa/next", bytes("n"));
        assertFalse(Files.exists(dead), "the next writer removed what the dead one left");
        assertTrue(Files.isDirectory(liveDir), "a live writer's directory stays");
        next.close();
        live.close();
        backend.close();
        assertEquals(List.of(), temporaryDirectories(), "a closed writer removes its own directory");
        assertEquals(List.of("chunks/aa/live", "chunks/aa/next", "config"), names(backend.list("")).stream().sorted().toList());
    }

    @Test
    void aWriterKilledMidWriteLeavesNoTemporaryAfterTheNextWrite() throws Exception {
        backend.put("config", bytes("c"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classPath, LargePutMain.class.getName(), root.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (temporaryFiles().isEmpty()) {
                assertTrue(writer.isAlive(), "the writer ended before it could be killed");
                assertTrue(Instant.now().isBefore(deadline), "no temporary within 60 s");
                Thread.onSpinWait();
            }
        } finally {
            writer.destroyForcibly(); // SIGKILL, mid-write
            writer.waitFor();
        }
        assertFalse(temporaryFiles().isEmpty(), "the killed writer left a temporary");
        open(root).put("points/20260101-000000-00000001/manifest", bytes("next"));
        assertEquals(List.of(), temporaryFiles(), "the next write removed it");
    }

    /** Writes one large object after another into the directory given, until killed. */
    static final class LargePutMain {
        public static void main(String[] args) throws IOException {
            LocalDirectoryBackend backend = new LocalDirectoryBackend(Path.of(args[0]));
            ByteBuffer large = ByteBuffer.allocate(256 << 20);
            for (int i = 0; ; i++) {
                backend.put("chunks/aa/large-" + i, large.duplicate());
            }
        }
    }

    private List<Path> temporaryFiles() throws IOException {
        List<Path> found = new java.util.ArrayList<>();
        coffer.vault.fs.FileTree.walkFiles(root, p -> {
            if (p.getFileName().toString().contains(LocalDirectoryBackend.TEMP_MARK)) {
                found.add(p);
            }
        });
        return found;
    }

    private List<Path> temporaryDirectories() throws IOException {
        Path parent = root.resolve(LocalDirectoryBackend.TEMP_MARK);
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(parent)) {
            return dirs.toList();
        }
    }

    @Test
    void objectsAreFilesAtTheirNamesUnderTheRoot() throws IOException {
        backend.put("points/20260101-000000-0a1b2c3d/manifest", bytes("m"));
        assertEquals("m", Files.readString(root.resolve("points/20260101-000000-0a1b2c3d/manifest")));
        Files.writeString(root.resolve("config"), "written by another process");
        assertEquals("written by another process", string(backend.get("config")));
    }

    @Test
    void aRootThatDoesNotExistYetHoldsNoObjectsAndIsCreatedByTheFirstPut() throws IOException {
        assertFalse(Files.exists(root));
        assertEquals(List.of(), backend.list(""));
        assertEquals(0, backend.removeAbandonedUploads(Instant.now()));
        backend.put("config", bytes("c"));
        assertTrue(Files.isRegularFile(root.resolve("config")));
    }

    @Test
    void describeNamesTheDirectory() {
        assertTrue(backend.describe().contains(root.toString()), backend.describe());
    }
}

package coffer.engine.live;

import coffer.engine.JobProgress;
import coffer.engine.operation.FileSearchResult;
import coffer.testing.DiskWithFiles;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.virt.guestfs.Guestfs;
import coffer.virt.image.DiskImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search's fallback for file systems not named after one drive (docs/design/live-access.md, "One appliance for many
 * points"): two points of one guest disk whose file system is an LVM logical volume (the same volume group, the same
 * ids: the second image is a copy of the first with one file changed). The shared appliance cannot tell their
 * {@code /dev/vg/lv} apart, so the search starts again with one appliance per point, and each point gives its own
 * content. The LVM disk is made by a libguestfs appliance of the test's own (guestfish is not installed here; the
 * library is), once per machine: the images are cached beside the test guest's ({@link LvmImages#cached}). Three boots
 * to search, and a fourth to make the images when they are not cached yet.
 */
class LvmSearchIT {
    @TempDir static Path dir;
    static TestVault vault;
    static final List<PointManifest> points = new ArrayList<>();

    @BeforeAll
    static void backUpTwoPointsOfAnLvmDisk() throws Throwable {
        DiskWithFiles.requireLibguestfs();
        List<Path> images = LvmImages.cached(dir, "/etc/f", "first\n", "second\n");
        Path first = images.get(0);
        Path second = images.get(1);
        vault = VaultFlavour.LOCAL.create(dir);
        for (Path image : List.of(first, second)) {
            points.add(vault.backup("lvm", DiskImages.openSource(image, "raw", false), null));
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (vault != null) {
            vault.close();
        }
    }

    @Test
    void anLvmVolumeIsSearchedInOneAppliancePerPointEachGivingItsOwnContent() throws Exception {
        List<String> log = new ArrayList<>();
        Path runtime = dir.resolve("run");
        FileSearch.Result found = FileSearch.run(List.of(new FileSearch.Target(vault.vault(), points.get(1)),
                        new FileSearch.Target(vault.vault(), points.get(0))),
                new FileSearch.Query(NameGlob.parse("f"), GuestPath.parse("/etc"), null, null), runtime,
                Guestfs.Options.DEFAULT, JobProgress.NONE, log::add);
        System.out.println("LvmSearchIT: 2 points in " + found.appliances() + " appliance(s), boot "
                + found.bootTime().toMillis() + " ms");
        assertEquals(3, found.appliances(), "the shared appliance, then one per point: " + log);
        assertTrue(log.contains("file systems not told apart by drive (LVM or md): one appliance per point"), log.toString());
        FileSearchResult result = FileSearchResult.of("lvm", "f", "/etc", found);
        assertEquals(List.of(points.get(0).id(), points.get(1).id()), result.matches().stream().map(FileSearchResult.Found::point).toList());
        assertEquals(List.of(sha("first\n"), sha("second\n")), result.matches().stream().map(FileSearchResult.Found::sha256).toList(),
                "each point's own volume, not the other's of the same ids");
        assertEquals(List.of("new", "changed"), result.matches().stream().map(FileSearchResult.Found::change).toList());
        for (FileSearchResult.Found f : result.matches()) {
            assertEquals("/etc/f", f.path());
            assertEquals("vda", f.disk());
            assertEquals("/dev/vg/lv", f.filesystem());
        }
        assertEquals(2, found.points());
        try (Stream<Path> left = Files.list(runtime)) {
            assertEquals(List.of(), left.toList(), "sockets and runtime directories removed");
        }
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?")).filter(c -> c.contains("qemu")).toList(), "no appliance left");
    }

    private static String sha(String content) {
        return TestData.sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Raw disk images whose whole disk is an LVM physical volume of volume group {@code vg} with one ext4 volume
     * {@code lv}, written by a libguestfs appliance bound here through FFM (the production binding is read-only).
     */
    static final class LvmImages {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIB = SymbolLookup.libraryLookup("libguestfs.so.0", Arena.global());

        private LvmImages() {
        }

        private static MethodHandle fn(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LIB.find(name).orElseThrow(() -> new IllegalStateException("no " + name)), descriptor);
        }

        private static final FunctionDescriptor G = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        private static final FunctionDescriptor G_S = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        private static final FunctionDescriptor G_S_S = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        private static final MethodHandle CREATE = fn("guestfs_create", FunctionDescriptor.of(ADDRESS));
        private static final MethodHandle CLOSE = fn("guestfs_close", FunctionDescriptor.ofVoid(ADDRESS));
        private static final MethodHandle LAST_ERROR = fn("guestfs_last_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        private static final MethodHandle SET_BACKEND = fn("guestfs_set_backend", G_S);
        private static final MethodHandle SET_BACKEND_SETTINGS = fn("guestfs_set_backend_settings", G_S);
        private static final MethodHandle ADD_DRIVE = fn("guestfs_add_drive", G_S);
        private static final MethodHandle LAUNCH = fn("guestfs_launch", G);
        private static final MethodHandle PVCREATE = fn("guestfs_pvcreate", G_S);
        private static final MethodHandle VGCREATE = fn("guestfs_vgcreate", G_S_S);
        private static final MethodHandle LVCREATE = fn("guestfs_lvcreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        private static final MethodHandle MKFS = fn("guestfs_mkfs", G_S_S);
        private static final MethodHandle MOUNT = fn("guestfs_mount", G_S_S);
        private static final MethodHandle MKDIR_P = fn("guestfs_mkdir_p", G_S);
        private static final MethodHandle WRITE = fn("guestfs_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        private static final MethodHandle UMOUNT_ALL = fn("guestfs_umount_all", G);
        private static final MethodHandle SYNC = fn("guestfs_sync", G);
        private static final MethodHandle SHUTDOWN = fn("guestfs_shutdown", G);

        /**
         * The two images ({@code [first, second]}, see {@link #make}), read only: made once per machine and kept in a
         * directory under the test guest's cache ({@code $COFFER_TEST_GUEST_CACHE}, default
         * {@code /var/cache/coffer-test-guest}, as scripts/make-test-guest) named by a digest of this class's bytecode
         * and the arguments, so a changed recipe makes new images. Made in a temporary directory renamed into place:
         * concurrent test runs never see half a pair (a run that loses the race uses the winner's). Where the cache
         * cannot be written they are made in {@code dir}, as before.
         */
        static List<Path> cached(Path dir, String path, String firstContent, String secondContent) throws Throwable {
            Path root = Path.of(java.util.Objects.requireNonNullElse(System.getenv("COFFER_TEST_GUEST_CACHE"),
                    "/var/cache/coffer-test-guest"));
            Path images = root.resolve("lvm-" + recipe(path, firstContent, secondContent));
            if (!Files.isDirectory(images)) {
                Path work;
                try {
                    Files.createDirectories(root);
                    work = Files.createTempDirectory(root, ".lvm-build.");
                } catch (IOException e) {
                    System.out.println("LvmSearchIT: no cache (" + e + "): the images are made in the test's directory");
                    make(dir.resolve("lvm0.raw"), dir.resolve("lvm1.raw"), path, firstContent, secondContent);
                    return List.of(dir.resolve("lvm0.raw"), dir.resolve("lvm1.raw"));
                }
                try {
                    make(work.resolve("lvm0.raw"), work.resolve("lvm1.raw"), path, firstContent, secondContent);
                    Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.move(work, images, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another run made the same pair meanwhile: its images are used
                } finally {
                    try (Stream<Path> left = Files.exists(work) ? Files.list(work) : Stream.empty()) {
                        for (Path file : left.toList()) {
                            Files.delete(file);
                        }
                    }
                    Files.deleteIfExists(work);
                }
            }
            return List.of(images.resolve("lvm0.raw"), images.resolve("lvm1.raw"));
        }

        /** The first 16 hex digits of SHA-256 over this class's bytecode (the recipe) and the arguments. */
        private static String recipe(String... arguments) throws IOException {
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            String classFile = LvmImages.class.getName().substring(LvmImages.class.getPackageName().length() + 1) + ".class";
            try (var bytecode = LvmImages.class.getResourceAsStream(classFile)) {
                sha.update(java.util.Objects.requireNonNull(bytecode, classFile).readAllBytes());
            }
            for (String argument : arguments) {
                sha.update((argument + "\0").getBytes(StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        }

        /**
         * Makes {@code second} (64 MiB, the appliance's drive) with {@code path} holding {@code firstContent}, copies it
         * to {@code first}, then changes {@code path} in {@code second} to {@code secondContent}: two states of one disk,
         * one boot.
         */
        static void make(Path first, Path second, String path, String firstContent, String secondContent) throws Throwable {
            try (var f = Files.newByteChannel(second, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                f.position((64L << 20) - 1);
                f.write(java.nio.ByteBuffer.wrap(new byte[1]));
            }
            MemorySegment g = (MemorySegment) CREATE.invokeExact();
            try (Arena arena = Arena.ofConfined()) {
                check(g, (int) SET_BACKEND.invokeExact(g, arena.allocateFrom("direct")));
                check(g, (int) SET_BACKEND_SETTINGS.invokeExact(g, strings(arena, "force_tcg"))); // KVM fails here for appliances
                check(g, (int) ADD_DRIVE.invokeExact(g, arena.allocateFrom(second.toString())));
                check(g, (int) LAUNCH.invokeExact(g));
                check(g, (int) PVCREATE.invokeExact(g, arena.allocateFrom("/dev/sda")));
                check(g, (int) VGCREATE.invokeExact(g, arena.allocateFrom("vg"), strings(arena, "/dev/sda")));
                check(g, (int) LVCREATE.invokeExact(g, arena.allocateFrom("lv"), arena.allocateFrom("vg"), 32));
                check(g, (int) MKFS.invokeExact(g, arena.allocateFrom("ext4"), arena.allocateFrom("/dev/vg/lv")));
                write(g, arena, path, firstContent);
                Files.copy(second, first); // the older state; written through: umount and sync above
                write(g, arena, path, secondContent);
                check(g, (int) SHUTDOWN.invokeExact(g));
            } finally {
                CLOSE.invokeExact(g);
            }
        }

        private static void write(MemorySegment g, Arena arena, String path, String content) throws Throwable {
            check(g, (int) MOUNT.invokeExact(g, arena.allocateFrom("/dev/vg/lv"), arena.allocateFrom("/")));
            check(g, (int) MKDIR_P.invokeExact(g, arena.allocateFrom(path.substring(0, path.lastIndexOf('/')))));
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            MemorySegment data = arena.allocate(bytes.length + 1L);
            MemorySegment.copy(bytes, 0, data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            check(g, (int) WRITE.invokeExact(g, arena.allocateFrom(path), data, (long) bytes.length));
            check(g, (int) UMOUNT_ALL.invokeExact(g));
            check(g, (int) SYNC.invokeExact(g));
        }

        private static MemorySegment strings(Arena arena, String... values) {
            MemorySegment array = arena.allocate(ADDRESS, values.length + 1L);
            for (int i = 0; i < values.length; i++) {
                array.setAtIndex(ADDRESS, i, arena.allocateFrom(values[i]));
            }
            array.setAtIndex(ADDRESS, values.length, MemorySegment.NULL);
            return array;
        }

        private static void check(MemorySegment g, int result) throws Throwable {
            if (result == -1) {
                MemorySegment error = (MemorySegment) LAST_ERROR.invokeExact(g);
                throw new IOException("libguestfs: " + (error.equals(MemorySegment.NULL) ? "unknown error"
                        : error.reinterpret(4096).getString(0)));
            }
        }
    }
}

package coffer.virt.guestfs;

import coffer.virt.nbd.NbdExport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static coffer.virt.ffm.NativeCalls.callInt;
import static coffer.virt.ffm.NativeCalls.callPointer;
import static coffer.virt.ffm.NativeCalls.callVoid;
import static coffer.virt.ffm.NativeCalls.isNull;
import static coffer.virt.guestfs.GuestfsLibrary.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One libguestfs appliance reading one disk, an NBD export, read-only (or several, {@link #launch(List, Options)}):
 * list its partitions and file systems, mount one read-only, list directories, find every path under one, stat paths,
 * checksum files, read links and file contents. Paths are absolute paths
 * inside the mounted file system, passed to libguestfs as strings (never through a shell).
 *
 * <p>{@link #launch} boots the appliance: under TCG this takes seconds to tens of seconds
 * ({@link #launchTime()}). Without {@link Options#forceTcg()} libguestfs tries KVM first; a launch that fails is
 * retried once under TCG, which is what the nested KVM of some hosts needs (its QEMU aborts on start), and later
 * launches in the same JVM start with TCG.
 *
 * <p>Thread-safety: thread-safe; calls are confined to one platform thread of the session (a libguestfs handle is
 * not thread-safe, and a blocking native call would pin a virtual thread's carrier) and run one at a time. An
 * interrupted caller gets an {@link InterruptedIOException} at once; the native call it started finishes in the
 * background. {@link #close()} shuts the appliance down.
 */
public final class Guestfs implements AutoCloseable {
    /** The largest read libguestfs allows in one call is 2 MiB (its message size); reads use 1 MiB. */
    public static final int MAX_READ = 1 << 20;
    private static final int MAX_STAT_BATCH = 1000;
    /** Set once a KVM launch failed in this JVM: later launches go straight to TCG instead of failing again. */
    private static volatile boolean kvmFailed;

    /**
     * How to launch: {@code forceTcg} skips KVM; {@code memoryMiB} is the appliance's memory (libguestfs's default is
     * 1280 MiB; browsing needs far less).
     */
    public record Options(boolean forceTcg, int memoryMiB) {
        public static final Options DEFAULT = new Options(false, 512);

        public Options {
            if (memoryMiB < 256) {
                throw new IllegalArgumentException("the appliance needs at least 256 MiB, not " + memoryMiB);
            }
        }
    }

    private final GuestfsLibrary lib;
    private final ExecutorService thread;
    private final String describe;
    private MemorySegment handle; // confined to thread
    private Duration launchTime;
    private boolean closed;

    private Guestfs(GuestfsLibrary lib, ExecutorService thread, String describe) {
        this.lib = lib;
        this.thread = thread;
        this.describe = describe;
    }

    /** Boots an appliance on {@code export} (read-only, raw) and returns it running. */
    public static Guestfs launch(NbdExport export, Options options) throws IOException {
        return launch(List.of(export), options);
    }

    /**
     * Boots one appliance on several exports, each a read-only raw drive, in the order given: the appliance names them
     * {@code /dev/sda}, {@code /dev/sdb}, … ({@link #driveIndex}). One boot instead of one per drive; a file system
     * that spans drives or whose identity repeats across them (LVM, btrfs) is the caller's to judge.
     */
    public static Guestfs launch(List<NbdExport> exports, Options options) throws IOException {
        if (exports.isEmpty()) {
            throw new IllegalArgumentException("an appliance needs at least one drive");
        }
        GuestfsLibrary lib = GuestfsLibrary.get();
        ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("guestfs").factory());
        Guestfs guestfs = new Guestfs(lib, thread, exports.size() == 1 ? exports.getFirst().toString() : exports.toString());
        List<NbdExport> drives = List.copyOf(exports);
        try {
            guestfs.on(() -> {
                long start = System.nanoTime();
                boolean tcg = options.forceTcg() || kvmFailed;
                try {
                    guestfs.start(drives, tcg, options.memoryMiB());
                } catch (GuestfsException e) {
                    if (tcg) {
                        throw e;
                    }
                    kvmFailed = true;
                    guestfs.start(drives, true, options.memoryMiB());
                }
                guestfs.launchTime = Duration.ofNanos(System.nanoTime() - start);
                return null;
            });
            return guestfs;
        } catch (IOException | RuntimeException e) {
            guestfs.close();
            throw e;
        }
    }

    /** A fresh handle with the drives added, launched; on failure the handle is closed again. */
    private void start(List<NbdExport> exports, boolean tcg, int memoryMiB) throws GuestfsException {
        closeHandle();
        handle = callPointer(lib.create);
        if (isNull(handle)) {
            throw new GuestfsException("guestfs_create", "cannot create a handle", 0);
        }
        callVoid(lib.setErrorHandler, handle, MemorySegment.NULL, MemorySegment.NULL); // errors come back as exceptions
        try (Arena arena = Arena.ofConfined()) {
            check(callInt(lib.setBackend, handle, arena.allocateFrom("direct")), "guestfs_set_backend");
            if (tcg) {
                check(callInt(lib.setBackendSettings, handle, strings(arena, List.of("force_tcg"))), "guestfs_set_backend_settings");
            }
            check(callInt(lib.setMemsize, handle, memoryMiB), "guestfs_set_memsize");
            for (NbdExport export : exports) {
                MemorySegment opts = arena.allocate(DRIVE_OPTS_SIZE, 8);
                opts.set(JAVA_LONG, DRIVE_BITMASK, BIT_READONLY | BIT_FORMAT | BIT_PROTOCOL | BIT_SERVER);
                opts.set(JAVA_INT, DRIVE_READONLY, 1);
                opts.set(ADDRESS, DRIVE_FORMAT, arena.allocateFrom("raw"));
                opts.set(ADDRESS, DRIVE_PROTOCOL, arena.allocateFrom("nbd"));
                opts.set(ADDRESS, DRIVE_SERVER, strings(arena, List.of(server(export))));
                check(callInt(lib.addDriveOpts, handle, arena.allocateFrom(export.name()), opts), "guestfs_add_drive_opts");
            }
            check(callInt(lib.launch, handle), "guestfs_launch" + (tcg ? " (TCG)" : ""));
        } catch (GuestfsException e) {
            closeHandle();
            throw e;
        }
    }

    private static String server(NbdExport export) {
        return switch (export.address()) {
            case UnixDomainSocketAddress unix -> "unix:" + unix.getPath();
            case InetSocketAddress inet -> "tcp:" + inet.getHostString() + ":" + inet.getPort();
            default -> throw new IllegalArgumentException("not an NBD address libguestfs can use: " + export);
        };
    }

    /** How long {@link #launch} took to boot the appliance (both attempts when KVM failed first). */
    public Duration launchTime() {
        return launchTime;
    }

    /** The partitions of the disk ({@code /dev/sda1}, …); empty for a disk without a partition table. */
    public List<String> partitions() throws IOException {
        return on(() -> returned(callPointer(lib.listPartitions, handle), "guestfs_list_partitions"));
    }

    /** Every file system found on the disk (whole disk and partitions, LVM included), with its type. */
    public List<Filesystem> filesystems() throws IOException {
        return on(() -> {
            List<String> pairs = returned(callPointer(lib.listFilesystems, handle), "guestfs_list_filesystems");
            List<Filesystem> result = new ArrayList<>();
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                result.add(new Filesystem(pairs.get(i), pairs.get(i + 1)));
            }
            return result;
        });
    }

    /** Mounts {@code device} read-only at {@code /} (unmounting whatever was mounted before). */
    public void mountReadOnly(String device) throws IOException {
        on(() -> {
            check(callInt(lib.umountAll, handle), "guestfs_umount_all");
            try (Arena arena = Arena.ofConfined()) {
                check(callInt(lib.mountRo, handle, arena.allocateFrom(device), arena.allocateFrom("/")),
                        "guestfs_mount_ro('" + device + "')");
            }
            return null;
        });
    }

    /** The names in directory {@code path}, sorted, without {@code .} and {@code ..}. */
    public List<String> list(String path) throws IOException {
        return on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                return returned(callPointer(lib.ls, handle, arena.allocateFrom(path)), "guestfs_ls('" + path + "')");
            }
        });
    }

    /** {@code lstat} of {@code path}: a symbolic link is described, not followed. */
    public FileStat stat(String path) throws IOException {
        return stat(path.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code lstat} of {@code path} (bytes, absolute: a guest's names need not be UTF-8); a link is not followed. */
    public FileStat stat(byte[] path) throws IOException {
        return on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment stat = callPointer(lib.lstatns, handle, cString(arena, path));
                if (isNull(stat)) {
                    throw lib.lastError(handle, "guestfs_lstatns('" + shown(path) + "')");
                }
                try {
                    return fileStat(stat.reinterpret(STATNS_SIZE), 0);
                } finally {
                    callVoid(lib.freeStatns, stat);
                }
            }
        });
    }

    /** {@code lstat} of each of {@code names} in directory {@code path}, in the order given. */
    public Map<String, FileStat> stats(String path, List<String> names) throws IOException {
        Map<String, FileStat> result = new LinkedHashMap<>();
        for (int from = 0; from < names.size(); from += MAX_STAT_BATCH) {
            List<String> batch = names.subList(from, Math.min(names.size(), from + MAX_STAT_BATCH));
            List<FileStat> stats = on(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment list = callPointer(lib.lstatnslist, handle, arena.allocateFrom(path), strings(arena, batch));
                    return statList(list, path, batch.size());
                }
            });
            for (int i = 0; i < batch.size(); i++) {
                result.put(batch.get(i), stats.get(i));
            }
        }
        return result;
    }

    /**
     * The stats of a {@code guestfs_lstatnslist} answer {@code list} for {@code expected} names in {@code path}, the
     * list freed; a null list is the call's error.
     */
    private List<FileStat> statList(MemorySegment list, String path, int expected) throws IOException {
        if (isNull(list)) {
            throw lib.lastError(handle, "guestfs_lstatnslist('" + path + "')");
        }
        try {
            MemorySegment header = list.reinterpret(16);
            int length = header.get(JAVA_INT, 0);
            if (length != expected) {
                throw new GuestfsException("guestfs_lstatnslist('" + path + "')", "answered " + length
                        + " stats for " + expected + " names", 0);
            }
            MemorySegment values = header.get(ADDRESS, STATNS_LIST_VAL).reinterpret(STATNS_SIZE * length);
            List<FileStat> out = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                out.add(fileStat(values, i * STATNS_SIZE));
            }
            return out;
        } finally {
            callVoid(lib.freeStatnsList, list);
        }
    }

    /** The target of symbolic link {@code path}, as stored (not resolved). */
    public String readlink(String path) throws IOException {
        return on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment target = callPointer(lib.readlink, handle, arena.allocateFrom(path));
                if (isNull(target)) {
                    throw lib.lastError(handle, "guestfs_readlink('" + path + "')");
                }
                return lib.takeString(target);
            }
        });
    }

    /**
     * Reads up to {@code length} (at most {@link #MAX_READ}) bytes of file {@code path} at {@code offset} into
     * {@code into}; returns how many were read, 0 at the end of the file.
     */
    public int read(String path, long offset, byte[] into, int length) throws IOException {
        return read(path.getBytes(StandardCharsets.UTF_8), offset, into, length);
    }

    /** {@link #read(String, long, byte[], int)} of {@code path} given as bytes (absolute; need not be UTF-8). */
    public int read(byte[] path, long offset, byte[] into, int length) throws IOException {
        if (length < 0 || length > Math.min(into.length, MAX_READ)) {
            throw new IllegalArgumentException("read of " + length + " bytes (at most " + MAX_READ + " into " + into.length + ")");
        }
        return on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment size = arena.allocate(JAVA_LONG);
                MemorySegment data = callPointer(lib.pread, handle, cString(arena, path), length, offset, size);
                if (isNull(data)) {
                    throw lib.lastError(handle, "guestfs_pread('" + shown(path) + "', offset " + offset + ")");
                }
                try {
                    long n = size.get(JAVA_LONG, 0);
                    if (n < 0 || n > length) {
                        throw new GuestfsException("guestfs_pread('" + shown(path) + "')", "returned " + n + " bytes for " + length, 0);
                    }
                    MemorySegment.copy(data.reinterpret(n), JAVA_BYTE, 0, into, 0, (int) n);
                    return (int) n;
                } finally {
                    lib.free(data);
                }
            }
        });
    }

    /**
     * The index of the drive (in {@link #launch(List, Options)}'s order) that {@code device} is on: {@code /dev/sdb1}
     * is on drive 1; -1 for a device not named after one drive ({@code /dev/vg/lv}, {@code /dev/md0}).
     */
    public static int driveIndex(String device) {
        Matcher m = DRIVE_DEVICE.matcher(device);
        if (!m.matches()) {
            return -1;
        }
        int index = 0;
        for (char c : m.group(1).toCharArray()) {
            index = index * 26 + (c - 'a' + 1);
        }
        return index - 1;
    }

    private static final Pattern DRIVE_DEVICE = Pattern.compile("/dev/sd([a-z]{1,3})([0-9]*)");

    /**
     * Every path under directory {@code directory} (itself excluded), relative to it (without a leading {@code /}), as
     * the guest stores it (bytes:
     * a name need not be UTF-8 and may hold any byte but NUL and {@code /}); symbolic links are listed, not followed.
     * libguestfs writes the list to {@code scratch}, a file of the caller's on the host (created or replaced, removed
     * afterwards); each path is handed to {@code each} as it is read, so a large file system is never held at once.
     */
    public void find(String directory, Path scratch, Consumer<byte[]> each) throws IOException {
        find(directory.getBytes(StandardCharsets.UTF_8), scratch, each);
    }

    /** {@link #find(String, Path, Consumer)} of {@code directory} given as bytes (absolute; need not be UTF-8). */
    public void find(byte[] directory, Path scratch, Consumer<byte[]> each) throws IOException {
        on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                check(callInt(lib.find0, handle, cString(arena, directory), arena.allocateFrom(scratch.toString())),
                        "guestfs_find0('" + shown(directory) + "')");
            }
            return null;
        });
        readNames(scratch, each);
    }

    /**
     * The names in directory {@code directory} (without {@code .} and {@code ..}, unsorted) as the guest stores them
     * (bytes), through {@code scratch} as for {@link #find}.
     */
    public List<byte[]> names(String directory, Path scratch) throws IOException {
        return names(directory.getBytes(StandardCharsets.UTF_8), scratch);
    }

    /** {@link #names(String, Path)} of {@code directory} given as bytes (absolute; need not be UTF-8). */
    public List<byte[]> names(byte[] directory, Path scratch) throws IOException {
        on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                check(callInt(lib.ls0, handle, cString(arena, directory), arena.allocateFrom(scratch.toString())),
                        "guestfs_ls0('" + shown(directory) + "')");
            }
            return null;
        });
        List<byte[]> names = new ArrayList<>();
        readNames(scratch, names::add);
        return names;
    }

    /** The NUL-separated names libguestfs wrote to {@code scratch}, each to {@code each}; the file is removed. */
    private static void readNames(Path scratch, Consumer<byte[]> each) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(scratch), 1 << 16)) {
            ByteArrayOutputStream name = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1; ) {
                if (b == 0) {
                    each.accept(relative(name.toByteArray()));
                    name.reset();
                } else {
                    name.write(b);
                }
            }
            if (name.size() > 0) {
                each.accept(relative(name.toByteArray()));
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /**
     * {@code lstat} of each of {@code names} (plain names in directory {@code directory}, all as bytes: a guest's names
     * need not be UTF-8), in the order given.
     */
    public List<FileStat> statsOf(byte[] directory, List<byte[]> names) throws IOException {
        String path = new String(directory, StandardCharsets.UTF_8); // for messages only
        List<FileStat> result = new ArrayList<>(names.size());
        for (int from = 0; from < names.size(); from += MAX_STAT_BATCH) {
            List<byte[]> batch = names.subList(from, Math.min(names.size(), from + MAX_STAT_BATCH));
            result.addAll(on(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment array = arena.allocate(ADDRESS, batch.size() + 1);
                    for (int i = 0; i < batch.size(); i++) {
                        array.setAtIndex(ADDRESS, i, cString(arena, batch.get(i)));
                    }
                    array.setAtIndex(ADDRESS, batch.size(), MemorySegment.NULL);
                    MemorySegment list = callPointer(lib.lstatnslist, handle, cString(arena, directory), array);
                    return statList(list, path, batch.size());
                }
            }));
        }
        return result;
    }

    /** The SHA-256 of regular file {@code path} (bytes, absolute), computed inside the appliance, as lowercase hex. */
    public String sha256(byte[] path) throws IOException {
        return on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sum = callPointer(lib.checksum, handle, arena.allocateFrom("sha256"), cString(arena, path));
                if (isNull(sum)) {
                    throw lib.lastError(handle, "guestfs_checksum");
                }
                return lib.takeString(sum).trim();
            }
        });
    }

    /** The target of symbolic link {@code path} (bytes, absolute), as stored; bytes that are not UTF-8 read as U+FFFD. */
    public String readlink(byte[] path) throws IOException {
        return new String(readlinkBytes(path), StandardCharsets.UTF_8);
    }

    /**
     * The target of symbolic link {@code path} (bytes, absolute), as stored, byte for byte: a target that is not UTF-8
     * keeps its bytes (an export archive stores them exactly: docs/cli.md, "Files of a point").
     */
    public byte[] readlinkBytes(byte[] path) throws IOException {
        return on(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment target = callPointer(lib.readlink, handle, cString(arena, path));
                if (isNull(target)) {
                    throw lib.lastError(handle, "guestfs_readlink");
                }
                return lib.takeBytes(target);
            }
        });
    }

    /** A path find0 listed without its leading slashes (it keeps one under any directory but {@code /}). */
    private static byte[] relative(byte[] listed) {
        int from = 0;
        while (from < listed.length && listed[from] == '/') {
            from++;
        }
        return from == 0 ? listed : Arrays.copyOfRange(listed, from, listed.length);
    }

    /** A path for a message: its bytes as UTF-8, each byte that is not UTF-8 or a control character shown as '?'. */
    private static String shown(byte[] path) {
        return new String(path, StandardCharsets.UTF_8).replace('\uFFFD', '?').replaceAll("\\p{Cntrl}", "?");
    }

    /** {@code bytes} with a NUL after them; a NUL inside is refused (a C string cannot hold one). */
    private static MemorySegment cString(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length + 1L);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new IllegalArgumentException("a path cannot hold a NUL byte");
            }
            s.set(JAVA_BYTE, i, bytes[i]);
        }
        s.set(JAVA_BYTE, bytes.length, (byte) 0);
        return s;
    }

    private static FileStat fileStat(MemorySegment s, long base) {
        long[] f = new long[22];
        for (int i = 0; i < f.length; i++) {
            f[i] = s.get(JAVA_LONG, base + i * 8L);
        }
        // st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid, st_rdev, st_size, st_blksize, st_blocks,
        // st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec, spare1-6
        return new FileStat(f[2], f[7], f[4], f[5], f[3], Instant.ofEpochSecond(f[10], f[11]),
                Instant.ofEpochSecond(f[12], f[13]), Instant.ofEpochSecond(f[14], f[15]),
                f[9] <= 0 ? 0 : f[9] > Long.MAX_VALUE / 512 ? Long.MAX_VALUE : f[9] * 512);
    }

    private List<String> returned(MemorySegment array, String call) throws GuestfsException {
        if (isNull(array)) {
            throw lib.lastError(handle, call);
        }
        return lib.takeStrings(array);
    }

    private void check(int result, String call) throws GuestfsException {
        if (result == -1) {
            throw lib.lastError(handle, call);
        }
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** Runs {@code call} on the session's thread and waits for it. */
    private <T> T on(Call<T> call) throws IOException {
        Future<T> result;
        synchronized (this) {
            if (closed) {
                throw new IOException("libguestfs session on " + describe + " is closed");
            }
            result = thread.submit(call::run);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while libguestfs worked on " + describe);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    private void closeHandle() {
        if (handle != null && !isNull(handle)) {
            callInt(lib.shutdown, handle);
            callVoid(lib.close, handle);
        }
        handle = null;
    }

    /** Shuts the appliance down and frees the handle; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            thread.submit(this::closeHandle);
        }
        thread.shutdown();
        // an interrupted caller (a cancelled job) still waits for the appliance to stop: returning at once would leave
        // its QEMU running past the session's end (and past the NBD server the caller closes next)
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    thread.awaitTermination(1, TimeUnit.MINUTES);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Guestfs[" + describe + "]";
    }
}

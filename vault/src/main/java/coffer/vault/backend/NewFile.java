package coffer.vault.backend;

import coffer.vault.ffm.Downcall;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Writes a new file (mode 0600, failing if it exists) through one descriptor, straight from the caller's buffer:
 * {@code open(O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC)}, {@code write(2)}, {@code sync_file_range(SYNC_FILE_RANGE_WRITE)}
 * to start its write-back, {@code close}. A backup writes one such file per new chunk, so the per-file costs show
 * in its profile (docs/performance.md, session 9): through {@link FileChannel} a heap buffer is first copied into a
 * temporary direct buffer, and starting the write-back needed the file opened a second time. Here the heap buffer
 * reaches the kernel without a copy (a {@linkplain Linker.Option#critical critical} call, as
 * {@code coffer.vault.crypto.LibCrypto} does for its arrays) and the write-back starts on the same descriptor.
 * Where the FFM binding is unavailable the JDK's channel writes the file and nothing starts the write-back early;
 * durability comes only from the barriers either way ({@link FileSystemSync#syncFileSystemOf}, or an {@code fsync} of
 * each object a writer names: {@link NamedFileSync}).
 *
 * <p>{@link #writeUnnamed} writes the same way into a file without a name ({@code O_TMPFILE}), which
 * {@link Unnamed#link} then names ({@code linkat(2)}): a new chunk needs no temporary name to create and remove
 * (docs/performance.md, session 18). An unnamed file of at least {@link #DIRECT_FROM} bytes is written with
 * {@code O_DIRECT} where the file system takes it: the bytes go from an aligned buffer ({@link AlignedBuffers}) to
 * the device in whole 4 KiB blocks, and only the last part block (if any) through the page cache, so at most one
 * page of the page cache is filled (on this project's VM each new page-cache page cost more than the copy into it)
 * and little write-back is left to start (docs/performance.md, session 25). The file's bytes and size are the same
 * either way.
 *
 * <p>Thread-safe.
 */
final class NewFile {
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_DIRECT = 040000;
    private static final int F_SETFL = 4;
    /** Objects from this size on are written with {@code O_DIRECT} (smaller ones: the page cache's copy is cheap). */
    static final int DIRECT_FROM = 64 << 10;
    private static final int MODE = 0600;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int EACCES = 13;
    private static final int EEXIST = 17;
    private static final int EPERM = 1;
    private static final int EISDIR = 21;
    private static final int EINVAL = 22;
    private static final int EOPNOTSUPP = 95;
    /** {@code __O_TMPFILE | O_DIRECTORY}: an unnamed file in the directory opened. */
    private static final int O_TMPFILE = 020200000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_FOLLOW = 0x400;
    private static final int AT_EMPTY_PATH = 0x1000;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN;
    private static final MethodHandle WRITE;
    private static final MethodHandle SYNC_FILE_RANGE;
    private static final MethodHandle CLOSE;
    private static final Downcall STRERROR; // bound on the first failure only
    private static final Downcall LINKAT; // bound on the first unnamed file: commands that write no chunk skip it
    private static final Downcall FCNTL; // bound on the first file written with O_DIRECT
    private static final AlignedBuffers ALIGNED = new AlignedBuffers();

    static {
        MethodHandle open = null;
        MethodHandle write = null;
        MethodHandle syncFileRange = null;
        MethodHandle close = null;
        Downcall strerror = null;
        Downcall linkat = null;
        Downcall fcntl = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            open = linker.downcallHandle(libc.findOrThrow("open"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
            write = linker.downcallHandle(libc.findOrThrow("write"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno, Linker.Option.critical(true));
            FunctionDescriptor syncShape = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
            syncFileRange = linker.downcallHandle(libc.findOrThrow("sync_file_range"), syncShape);
            // int close(int) bound with sync_file_range's shape, its extra register arguments ignored: one shape
            // fewer to spin (a stub and about ten LambdaForm classes; docs/performance.md, session 15)
            close = linker.downcallHandle(libc.findOrThrow("close"), syncShape);
            strerror = Downcall.find(libc, "strerror", "no strerror in libc", FunctionDescriptor.of(ADDRESS, JAVA_INT));
            linkat = Downcall.find(libc, "linkat", "no linkat in libc",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), errno);
            fcntl = Downcall.find(libc, "fcntl", "no fcntl in libc", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                    errno, Linker.Option.firstVariadicArg(2));
        } catch (RuntimeException | LinkageError unavailable) {
            open = null;
        }
        OPEN = open;
        WRITE = write;
        SYNC_FILE_RANGE = syncFileRange;
        CLOSE = close;
        STRERROR = strerror;
        LINKAT = open == null ? null : linkat;
        FCNTL = fcntl;
    }

    private NewFile() {
    }

    /** Whether files are written through the native calls (else through a {@link FileChannel}). */
    static boolean nativeCalls() {
        return OPEN != null;
    }

    /**
     * Creates {@code path} holding {@code data}'s remaining bytes (its position is left alone) and starts its
     * write-back. Fails with {@link FileAlreadyExistsException} when it exists and {@link NoSuchFileException}
     * when its directory does not; a file this call created and could not fill is left for the caller to remove.
     */
    static void write(Path path, ByteBuffer data) throws IOException {
        if (OPEN == null) {
            writeThroughChannel(path, data);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, MODE);
            if (fd < 0) {
                throw failure(path, "open", errno(state));
            }
            try {
                fill(state, fd, data, path);
            } finally {
                close(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Whether {@link #writeUnnamed} can be tried (the native calls are bound). */
    static boolean unnamedFiles() {
        return LINKAT != null;
    }

    /**
     * Creates an unnamed file in {@code directory} ({@code open(O_TMPFILE|O_WRONLY|O_CLOEXEC)}, mode 0600) holding
     * {@code data}'s remaining bytes (its position is left alone) and starts its write-back; {@link Unnamed#link}
     * names it. Nothing is left behind when it is closed unnamed, also by a killed process: the kernel frees an
     * unnamed inode with its last descriptor. Fails with {@link NoSuchFileException} when the directory does not
     * exist, and with {@link UnnamedFilesRefused} when the kernel or the file system has no unnamed files
     * ({@code EOPNOTSUPP}, {@code EISDIR} or {@code EINVAL}).
     */
    static Unnamed writeUnnamed(Path directory, ByteBuffer data) throws IOException {
        return writeUnnamed(directory, data, false);
    }

    /**
     * As {@link #writeUnnamed(Path, ByteBuffer)}, with {@code O_DIRECT} when {@code direct} and the object has at least
     * {@link #DIRECT_FROM} bytes; where the file system refuses {@code O_DIRECT} ({@code EINVAL} from the open or the
     * first write) the file is written through the page cache instead, and {@link Unnamed#direct()} says so.
     */
    static Unnamed writeUnnamed(Path directory, ByteBuffer data, boolean direct) throws IOException {
        if (LINKAT == null) {
            throw new UnnamedFilesRefused(directory, "the native calls are unavailable");
        }
        boolean tryDirect = direct && data.remaining() >= DIRECT_FROM;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment path = arena.allocateFrom(directory.toString());
            int flags = O_TMPFILE | O_WRONLY | O_CLOEXEC;
            int fd = tryDirect ? (int) OPEN.invokeExact(state, path, flags | O_DIRECT, MODE) : -1;
            if (tryDirect && fd >= 0) {
                try {
                    if (fillDirect(state, fd, data, directory)) {
                        return new Unnamed(fd, true);
                    }
                } catch (Throwable e) {
                    close(fd);
                    throw e;
                }
                close(fd); // refused at the first write: written again through the page cache
            } else if (tryDirect && errno(state) != EINVAL) {
                throw openFailure(directory, errno(state));
            }
            fd = (int) OPEN.invokeExact(state, path, flags, MODE);
            if (fd < 0) {
                throw openFailure(directory, errno(state));
            }
            try {
                fill(state, fd, data, directory);
                return new Unnamed(fd, false);
            } catch (Throwable e) {
                close(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static IOException openFailure(Path directory, int errno) {
        if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
            return new UnnamedFilesRefused(directory, "open(O_TMPFILE): " + message(errno));
        }
        return failure(directory, "open", errno);
    }

    /**
     * Writes {@code data}'s remaining bytes to {@code fd} (opened with {@code O_DIRECT}): its whole
     * {@link AlignedBuffers#ALIGNMENT} blocks from an aligned buffer, then, {@code O_DIRECT} cleared
     * ({@code fcntl(F_SETFL)}), the last part block through the page cache (one page; padding the last block and
     * cutting the file with {@code ftruncate} made ext4 read that block back from the disk: measured, session 25).
     * Returns {@code false}, nothing written, when the first write is refused ({@code EINVAL}: alignment or
     * {@code O_DIRECT} not taken here).
     */
    private static boolean fillDirect(MemorySegment state, int fd, ByteBuffer data, Path path) throws Throwable {
        long length = data.remaining();
        long whole = length & -(long) AlignedBuffers.ALIGNMENT;
        AlignedBuffers.Buffer buffer = ALIGNED.take(whole);
        try {
            MemorySegment bytes = buffer.segment();
            MemorySegment.copy(MemorySegment.ofBuffer(data), 0, bytes, 0, whole);
            long done = 0;
            while (done < whole) {
                long n = (long) WRITE.invokeExact(state, fd, bytes.asSlice(done), whole - done);
                if (n < 0) {
                    int errno = errno(state);
                    if (errno == EINVAL && done == 0) {
                        return false;
                    }
                    if (errno != EINTR) {
                        throw failure(path, "write", errno);
                    }
                } else {
                    done += n;
                }
            }
        } finally {
            ALIGNED.give(buffer);
        }
        if (whole < length) {
            if ((int) FCNTL.handle().invokeExact(state, fd, F_SETFL, 0) != 0) {
                throw failure(path, "fcntl", errno(state));
            }
            fill(state, fd, data.duplicate().position(data.position() + (int) whole), path);
        }
        return true;
    }

    /** How {@link Unnamed#link} names the file's inode to {@code linkat(2)}. */
    enum Source {
        /** The descriptor itself ({@code AT_EMPTY_PATH}): needs Linux 6.10, or {@code CAP_DAC_READ_SEARCH}. */
        DESCRIPTOR,
        /** {@code /proc/self/fd/<n>}, followed ({@code AT_SYMLINK_FOLLOW}): needs /proc mounted. */
        PROC
    }

    /** A written unnamed file; {@link #close} frees it unless {@link #link} named it. Not thread-safe. */
    static final class Unnamed implements AutoCloseable {
        private final int fd;
        private final boolean direct;
        private boolean closed;

        private Unnamed(int fd, boolean direct) {
            this.fd = fd;
            this.direct = direct;
        }

        /** Whether its bytes were written with {@code O_DIRECT} (past the page cache). */
        boolean direct() {
            return direct;
        }

        /**
         * Gives the file the name {@code target} ({@code linkat(2)}), which fails atomically when {@code target}
         * exists: returns {@code false} then, the existing file untouched. Fails with {@link NoSuchFileException}
         * when {@code target}'s directory does not exist, and also when {@code source} is refused (no /proc; a
         * kernel that lets only privileged callers link a descriptor).
         */
        boolean link(Path target, Source source) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                MemorySegment to = arena.allocateFrom(target.toString());
                int result = source == Source.DESCRIPTOR
                        ? (int) LINKAT.handle().invokeExact(state, fd, arena.allocateFrom(""), AT_FDCWD, to, AT_EMPTY_PATH)
                        : (int) LINKAT.handle().invokeExact(state, AT_FDCWD, arena.allocateFrom("/proc/self/fd/" + fd),
                                AT_FDCWD, to, AT_SYMLINK_FOLLOW);
                if (result == 0) {
                    return true;
                }
                int errno = errno(state);
                if (errno == EEXIST) {
                    return false;
                }
                throw failure(target, "linkat", errno);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NewFile.close(fd);
            }
        }
    }

    /** The kernel or the file system refused an unnamed file: files are written under a temporary name instead. */
    static final class UnnamedFilesRefused extends FileSystemException {
        UnnamedFilesRefused(Path directory, String reason) {
            super(directory.toString(), null, reason);
        }
    }

    private static void fill(MemorySegment state, int fd, ByteBuffer data, Path path) throws Throwable {
        MemorySegment bytes = MemorySegment.ofBuffer(data);
        long done = 0;
        while (done < bytes.byteSize()) {
            long n = (long) WRITE.invokeExact(state, fd, bytes.asSlice(done), bytes.byteSize() - done);
            if (n < 0) {
                int errno = errno(state);
                if (errno != EINTR) {
                    throw failure(path, "write", errno);
                }
            } else {
                done += n;
            }
        }
        int ignored = (int) SYNC_FILE_RANGE.invokeExact(fd, 0L, 0L, SYNC_FILE_RANGE_WRITE); // best effort
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd, 0L, 0L, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static void writeThroughChannel(Path path, ByteBuffer data) throws IOException {
        try (FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                OwnerOnly.file())) {
            ByteBuffer source = data.duplicate();
            while (source.hasRemaining()) {
                channel.write(source);
            }
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The exception the JDK would throw for {@code errno}: the same types, and its message text ({@code strerror}). */
    private static IOException failure(Path path, String call, int errno) {
        String file = path.toString();
        return switch (errno) {
            case EEXIST -> new FileAlreadyExistsException(file);
            case ENOENT -> new NoSuchFileException(file);
            case EACCES, EPERM -> new AccessDeniedException(file);
            default -> new FileSystemException(file, null, call + ": " + message(errno));
        };
    }

    private static String message(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.handle().invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}

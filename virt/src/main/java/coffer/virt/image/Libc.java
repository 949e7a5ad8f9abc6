package coffer.virt.image;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.VarHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import coffer.vault.ffm.Downcall;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the JDK lacks for disk images: {@code lseek} with {@code SEEK_DATA}/{@code SEEK_HOLE}
 * (sparse extents), {@code lseek(SEEK_END)} (block device size) and {@code fallocate} (punching holes), on file
 * descriptors this class opens and closes. Linux x86-64 and aarch64 (the flag values used are the same).
 *
 * <p>The only class that touches {@code java.lang.foreign}: descriptors leave it as plain {@code int}s, failures
 * as {@link IOException}s naming the call, the path and the errno.
 *
 * <p>Stateless; thread-safe.
 */
final class Libc {
    private Libc() {
    }

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CLOEXEC = 0x80000;

    /** {@code O_DIRECT} differs between architectures; 0 where this class does not know it. */
    private static final int O_DIRECT = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64", "riscv64", "s390x" -> 0x4000;
        case "aarch64", "arm" -> 0x10000;
        case "ppc64le", "ppc64" -> 0x20000;
        default -> 0;
    };

    static final int SEEK_END = 2;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;

    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;

    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VALUE =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Downcall OPEN = function("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final Downcall LSEEK = function("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO);
    private static final Downcall FALLOCATE = function("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO);
    private static final Downcall CLOSE = function("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    private static final Downcall SYNC_FILE_RANGE = function("sync_file_range",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), ERRNO);
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    /** posix_fadvise returns its error number instead of setting errno. */
    private static final Downcall POSIX_FADVISE = function("posix_fadvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final int POSIX_FADV_DONTNEED = 4;

    /** {@code name}, bound on its first call: a command that only opens and closes binds only those two. */
    private static Downcall function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Downcall.find(LIBC, name, "libc has no " + name, descriptor, options);
    }

    /** An {@code errno} from a libc call, with the call and path for the message. Immutable; thread-safe. */
    static final class ErrnoException extends FileSystemException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        ErrnoException(Path path, String call, int errno) {
            super(path.toString(), null, call + " failed: " + errnoName(errno) + " (errno " + errno + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    /** Opens {@code path}; {@code flags} must not create files (no mode is passed). */
    static int open(Path path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.handle().invokeExact(state, arena.allocateFrom(path.toString()), flags | O_CLOEXEC, 0);
            if (fd >= 0) {
                return fd;
            }
            int errno = errno(state);
            throw switch (errno) {
                case ENOENT -> new NoSuchFileException(path.toString());
                case EACCES -> new AccessDeniedException(path.toString());
                default -> new ErrnoException(path, "open", errno);
            };
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Whether {@code path} can be opened with {@code O_DIRECT} (tmpfs cannot); false when unknown. */
    static boolean supportsDirectIo(Path path) {
        if (O_DIRECT == 0) {
            return false;
        }
        try {
            close(open(path, O_RDONLY | O_DIRECT));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code lseek(fd, offset, whence)}; returns -1 for {@code ENXIO}, which for {@code SEEK_DATA} means "no data
     * at or after offset" and for {@code SEEK_HOLE} "offset is past the end".
     */
    static long lseek(int fd, long offset, int whence, Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long result = (long) LSEEK.handle().invokeExact(state, fd, offset, whence);
            if (result >= 0) {
                return result;
            }
            int errno = errno(state);
            if (errno == ENXIO) {
                return -1;
            }
            throw new ErrnoException(path, "lseek(" + offset + ", " + whenceName(whence) + ")", errno);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void fallocate(int fd, int mode, long offset, long length, Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) FALLOCATE.handle().invokeExact(state, fd, mode, offset, length);
            if (result != 0) {
                throw new ErrnoException(path, "fallocate(mode=" + mode + ", " + offset + ", " + length + ")",
                        errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Starts write-back of a written range without waiting ({@code sync_file_range(SYNC_FILE_RANGE_WRITE)}),
     * so a restore's data reaches the disk while later chunks are prepared. Best effort; durability comes
     * from the sink's commit.
     */
    static void startWriteback(int fd, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SYNC_FILE_RANGE.handle().invokeExact(arena.allocate(CALL_STATE), fd, offset, length, SYNC_FILE_RANGE_WRITE);
        } catch (Throwable ignored) {
            // only an optimization
        }
    }

    /**
     * {@code posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED)}: the kernel drops the range's clean pages from
     * the page cache (dirty ones are written back first, later). Best effort: returns the error number, 0 on success.
     */
    static int dropCachedPages(int fd, long offset, long length) {
        try {
            return (int) POSIX_FADVISE.handle().invokeExact(fd, offset, length, POSIX_FADV_DONTNEED);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Closes {@code fd}; errors are ignored (Linux releases the descriptor even when close fails). */
    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.handle().invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_VALUE.get(state, 0L);
    }

    private static String whenceName(int whence) {
        return switch (whence) {
            case SEEK_END -> "SEEK_END";
            case SEEK_DATA -> "SEEK_DATA";
            case SEEK_HOLE -> "SEEK_HOLE";
            default -> "whence " + whence;
        };
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case ENOENT -> "ENOENT";
            case ENXIO -> "ENXIO";
            case EACCES -> "EACCES";
            case 9 -> "EBADF";
            case EINVAL -> "EINVAL";
            case 27 -> "EFBIG";
            case 28 -> "ENOSPC";
            case 29 -> "ESPIPE";
            case ENOSYS -> "ENOSYS";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
    }
}

package coffer.vault.backend;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code syncfs(2)} through the FFM API: Java has no call that flushes a whole file system, and one
 * {@code fsync} per chunk costs far more than one barrier per write phase. Falls back to {@code fsync} of
 * the directory when {@code syncfs} is unavailable. FFM types stay in this class.
 *
 * <p>Stateless; thread-safe.
 */
final class FileSystemSync {
    private static final int O_RDONLY = 0;
    private static final MethodHandle OPEN;
    private static final MethodHandle SYNCFS;
    private static final MethodHandle CLOSE;
    private static final MethodHandle SYNC_FILE_RANGE;
    private static final int SYNC_FILE_RANGE_WRITE = 2;

    static {
        MethodHandle open = null;
        MethodHandle syncfs = null;
        MethodHandle close = null;
        MethodHandle syncFileRange = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            syncfs = linker.downcallHandle(libc.find("syncfs").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            syncFileRange = linker.downcallHandle(libc.find("sync_file_range").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        } catch (RuntimeException | LinkageError unavailable) {
            open = null;
        }
        OPEN = open;
        SYNCFS = syncfs;
        CLOSE = close;
        SYNC_FILE_RANGE = syncFileRange;
    }

    private FileSystemSync() {
    }

    static void syncFileSystemOf(Path directory) throws IOException {
        if (OPEN != null && syncfs(directory)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Starts writing a just-published file back to the disk without waiting ({@code sync_file_range} with
     * {@code SYNC_FILE_RANGE_WRITE}): the write-back then overlaps with the CPU work on later chunks instead
     * of piling up for the barrier. Durability still comes only from {@link #syncFileSystemOf}. Best effort.
     */
    static void startWriteback(Path file) {
        if (OPEN == null || SYNC_FILE_RANGE == null) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toString()), O_RDONLY);
            if (fd >= 0) {
                try {
                    int ignored = (int) SYNC_FILE_RANGE.invokeExact(fd, 0L, 0L, SYNC_FILE_RANGE_WRITE);
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            }
        } catch (Throwable ignored) {
            // only an optimization
        }
    }

    private static boolean syncfs(Path directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(directory.toString());
            int fd = (int) OPEN.invokeExact(path, O_RDONLY);
            if (fd < 0) {
                return false;
            }
            try {
                return (int) SYNCFS.invokeExact(fd) == 0;
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            return false;
        }
    }
}

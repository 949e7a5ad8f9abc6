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

    static {
        MethodHandle open = null;
        MethodHandle syncfs = null;
        MethodHandle close = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            // bound as NewFile binds it (mode argument, errno captured): the JDK spins one stub per shape, not two
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
            syncfs = linker.downcallHandle(libc.find("syncfs").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (RuntimeException | LinkageError unavailable) {
            open = null;
        }
        OPEN = open;
        SYNCFS = syncfs;
        CLOSE = close;
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

    private static boolean syncfs(Path directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(directory.toString());
            MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) OPEN.invokeExact(callState, path, O_RDONLY, 0);
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

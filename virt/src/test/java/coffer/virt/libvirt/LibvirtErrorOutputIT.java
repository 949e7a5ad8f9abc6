package coffer.virt.libvirt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libvirt's errors reach callers as exceptions only: the error handler {@link Native} installs keeps libvirt's
 * default one from printing them on the process's standard error (file descriptor 2, captured here in a file).
 */
class LibvirtErrorOutputIT {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;

    @TempDir
    Path dir;

    private TestDomains domains;

    @BeforeEach
    void connect() throws Exception {
        domains = TestDomains.open(dir);
    }

    @AfterEach
    void close() {
        if (domains != null) {
            domains.close();
        }
    }

    @Test
    void aFailedCallPrintsNothingOnStandardError() throws Throwable {
        String missing = TestDomains.uniqueName("silent");
        Path captured = dir.resolve("stderr");
        int saved = (int) libc("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(2);
        int file;
        try (Arena arena = Arena.ofConfined()) {
            file = (int) libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                    Linker.Option.firstVariadicArg(2))
                    .invokeExact(arena.allocateFrom(captured.toString()), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        }
        assertTrue(saved >= 0 && file >= 0, "dup/open");
        MethodHandle dup2 = libc("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle close = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        int redirected = (int) dup2.invokeExact(file, 2);
        LibvirtException e;
        try {
            e = assertThrows(LibvirtException.class, () -> domains.libvirt().state(missing));
        } finally {
            int restored = (int) dup2.invokeExact(saved, 2);
            int closedSaved = (int) close.invokeExact(saved);
            int closedFile = (int) close.invokeExact(file);
        }
        assertEquals(2, redirected);
        assertEquals(LibvirtException.NO_DOMAIN, e.code());
        assertEquals("", Files.readString(captured));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, options);
    }
}

package coffer.vault.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * One C function found in its library, bound ({@link Linker#downcallHandle}) on its first call. Finding the symbol
 * is a cheap {@code dlsym} and stays eager, so a library that lacks a function still fails where it is loaded;
 * binding spins a stub class and LambdaForms per function shape, which the JDK's start-up cache does not keep
 * (about 2 ms per function on this project's machine, docs/performance.md, session 14), so a command binds only
 * the functions it calls.
 *
 * <p>Thread-safe: the first call binds under this object's lock, later calls read the bound handle (volatile).
 */
public final class Downcall {
    private static final Linker LINKER = Linker.nativeLinker();

    private final MemorySegment symbol;
    private final FunctionDescriptor descriptor;
    private final Linker.Option[] options;
    private volatile MethodHandle handle;

    private Downcall(MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option[] options) {
        this.symbol = symbol;
        this.descriptor = descriptor;
        this.options = options;
    }

    /**
     * {@code name} in {@code library}, to be bound with {@code descriptor} and {@code options}; a missing symbol
     * throws {@link UnsatisfiedLinkError} with {@code missing} as its message.
     */
    public static Downcall find(SymbolLookup library, String name, String missing, FunctionDescriptor descriptor,
                                Linker.Option... options) {
        MemorySegment symbol = library.find(name).orElseThrow(() -> new UnsatisfiedLinkError(missing));
        return new Downcall(symbol, descriptor, options.clone());
    }

    /** The bound function; binds it on the first call. */
    public MethodHandle handle() {
        MethodHandle bound = handle;
        return bound != null ? bound : bind();
    }

    /** Once: threads that call first together (a backup's chunk workers) wait for one binding. */
    @SuppressWarnings("restricted") // binding C functions is what the callers of this class exist for
    private synchronized MethodHandle bind() {
        MethodHandle bound = handle;
        if (bound == null) {
            bound = LINKER.downcallHandle(symbol, descriptor, options);
            handle = bound;
        }
        return bound;
    }
}

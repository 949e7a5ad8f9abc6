package coffer.virt.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Calls bound C functions whose arguments are {@link MemorySegment}s, {@code int}s and {@code long}s, rethrowing
 * what the call throws unchanged (a bound C function throws nothing checked), and reads NUL-terminated strings.
 *
 * <p>Stateless; thread-safe.
 */
public final class NativeCalls {
    private NativeCalls() {
    }

    /** Calls a bound function returning {@code int}. */
    public static int callInt(MethodHandle function, Object... arguments) {
        return (int) call(function, arguments);
    }

    /** Calls a bound function returning a pointer ({@link MemorySegment#NULL} for NULL). */
    public static MemorySegment callPointer(MethodHandle function, Object... arguments) {
        return (MemorySegment) call(function, arguments);
    }

    /** Calls a bound function returning {@code void}. */
    public static void callVoid(MethodHandle function, Object... arguments) {
        call(function, arguments);
    }

    /** The C string at {@code pointer}, copied; its memory stays with whoever owns it. */
    @SuppressWarnings("restricted")
    public static String readString(MemorySegment pointer) {
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    public static boolean isNull(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL);
    }

    private static Object call(MethodHandle function, Object... arguments) {
        try {
            return function.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}

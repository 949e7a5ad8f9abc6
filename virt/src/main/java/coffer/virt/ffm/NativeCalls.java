package coffer.virt.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import coffer.vault.ffm.Downcall;

/**
 * Calls bound C functions whose arguments are {@link MemorySegment}s, {@code int}s and {@code long}s, rethrowing
 * what the call throws unchanged (a bound C function throws nothing checked), and reads NUL-terminated strings.
 *
 * <p>One overload per argument shape, each calling {@link MethodHandle#invoke} with the call's static types: for a
 * function bound with exactly these types that is as cheap as {@code invokeExact} and needs no LambdaForms of its
 * own, where {@code invokeWithArguments} spun a spreader and a boxing adapter per shape at every command's start
 * (docs/performance.md, session 14); a type that differs (an {@code int} passed for a C {@code long}) is still
 * converted as before.
 *
 * <p>Stateless; thread-safe.
 */
public final class NativeCalls {
    private NativeCalls() {
    }

    public static int callInt(Downcall function) {
        try {
            return (int) function.handle().invoke();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a) {
        try {
            return (int) function.handle().invoke(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, int b) {
        try {
            return (int) function.handle().invoke(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, MemorySegment b) {
        try {
            return (int) function.handle().invoke(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, MemorySegment b, int c) {
        try {
            return (int) function.handle().invoke(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            return (int) function.handle().invoke(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c, int d) {
        try {
            return (int) function.handle().invoke(a, b, c, d);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, MemorySegment b, long c, int d) {
        try {
            return (int) function.handle().invoke(a, b, c, d);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int callInt(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d,
                              int e) {
        try {
            return (int) function.handle().invoke(a, b, c, d, e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function) {
        try {
            return (MemorySegment) function.handle().invoke();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a) {
        try {
            return (MemorySegment) function.handle().invoke(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a, int b) {
        try {
            return (MemorySegment) function.handle().invoke(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) function.handle().invoke(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b, int c) {
        try {
            return (MemorySegment) function.handle().invoke(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b, int c, int d) {
        try {
            return (MemorySegment) function.handle().invoke(a, b, c, d);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            return (MemorySegment) function.handle().invoke(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b, int c, long d,
                                            MemorySegment e) {
        try {
            return (MemorySegment) function.handle().invoke(a, b, c, d, e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void callVoid(Downcall function, MemorySegment a) {
        try {
            function.handle().invoke(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void callVoid(Downcall function, MemorySegment a, int b) {
        try {
            function.handle().invoke(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void callVoid(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            function.handle().invoke(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The C string at {@code pointer}, copied; its memory stays with whoever owns it. */
    @SuppressWarnings("restricted")
    public static String readString(MemorySegment pointer) {
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    public static boolean isNull(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError(t);
    }
}

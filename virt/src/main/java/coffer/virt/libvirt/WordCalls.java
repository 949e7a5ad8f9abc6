package coffer.virt.libvirt;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

import coffer.vault.ffm.CallShapes;
import coffer.vault.ffm.Downcall;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Calls libvirt's C functions, all bound with one shape ({@link #SHAPE}: five 64-bit words in, one out) instead of
 * one per C prototype. Binding a shape spins a stub class and about ten LambdaForm classes, which the JDK 25
 * start-up cache does not keep; an incremental backup bound 13 shapes for libvirt alone, ~140 of the ~410 classes it
 * generated at run time (docs/performance.md, session 15).
 *
 * <p>Why one shape is correct: every libvirt function Coffer calls takes at most five arguments, each a pointer, an
 * {@code int} or a {@code long}, and returns a pointer, an {@code int} or nothing. On the C ABIs Coffer runs on
 * (x86-64 System V, AArch64) such arguments travel in the first integer registers (rdi, rsi, rdx, rcx, r8 / x0-x4),
 * one per register whatever its width; a callee reads the registers of the parameters it declares and ignores the
 * others (as {@link Native} already relies on for its error handler), and reads an {@code int} parameter from the
 * register's low 32 bits. An {@code int} result is the low 32 bits of rax / x0, which {@code (int)} keeps, sign
 * included. A pointer is passed as its address; libvirt never receives a Java heap array.
 *
 * <p>What the typed bindings checked and these do not: that a call's argument types match the C prototype (the
 * overloads below name the kinds, the call sites in {@link Libvirt} and {@link Connection} the functions; the
 * libvirt ITs run every one), and that a segment's arena is still open during the call (every caller passes
 * segments of an arena it holds open around the call, or libvirt's own pointers).
 *
 * <p>Stateless; thread-safe.
 */
final class WordCalls {
    /** The one shape every libvirt function is bound with: {@code long f(long, long, long, long, long)}. */
    static final FunctionDescriptor SHAPE =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    private WordCalls() {
    }

    /**
     * Refuses a machine whose C ABI is not one of those named in the class comment: there {@link #SHAPE} could pass
     * an argument where libvirt does not look for it, so libvirt is reported unavailable instead of miscalled.
     */
    static void checkAbi(String arch) {
        if (!CallShapes.safeOn(arch)) {
            throw new IllegalArgumentException("libvirt's calls are bound for the x86-64 and AArch64 C ABIs only, not for "
                    + arch);
        }
    }

    static int callInt(Downcall function) {
        return (int) call(function, 0, 0, 0, 0, 0);
    }

    static int callInt(Downcall function, MemorySegment a) {
        return (int) call(function, word(a), 0, 0, 0, 0);
    }

    static int callInt(Downcall function, MemorySegment a, int b) {
        return (int) call(function, word(a), b, 0, 0, 0);
    }

    static int callInt(Downcall function, MemorySegment a, MemorySegment b) {
        return (int) call(function, word(a), word(b), 0, 0, 0);
    }

    static int callInt(Downcall function, MemorySegment a, MemorySegment b, int c) {
        return (int) call(function, word(a), word(b), c, 0, 0);
    }

    static int callInt(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c, int d) {
        return (int) call(function, word(a), word(b), word(c), d, 0);
    }

    static int callInt(Downcall function, MemorySegment a, MemorySegment b, long c, int d) {
        return (int) call(function, word(a), word(b), c, d, 0);
    }

    static int callInt(Downcall function, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d, int e) {
        return (int) call(function, word(a), word(b), word(c), word(d), e);
    }

    static MemorySegment callPointer(Downcall function) {
        return pointer(call(function, 0, 0, 0, 0, 0));
    }

    static MemorySegment callPointer(Downcall function, MemorySegment a) {
        return pointer(call(function, word(a), 0, 0, 0, 0));
    }

    static MemorySegment callPointer(Downcall function, MemorySegment a, int b) {
        return pointer(call(function, word(a), b, 0, 0, 0));
    }

    static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b) {
        return pointer(call(function, word(a), word(b), 0, 0, 0));
    }

    static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b, int c) {
        return pointer(call(function, word(a), word(b), c, 0, 0));
    }

    static MemorySegment callPointer(Downcall function, MemorySegment a, MemorySegment b, int c, int d) {
        return pointer(call(function, word(a), word(b), c, d, 0));
    }

    static void callVoid(Downcall function) {
        call(function, 0, 0, 0, 0, 0);
    }

    static void callVoid(Downcall function, MemorySegment a) {
        call(function, word(a), 0, 0, 0, 0);
    }

    static void callVoid(Downcall function, MemorySegment a, int b) {
        call(function, word(a), b, 0, 0, 0);
    }

    static void callVoid(Downcall function, MemorySegment a, MemorySegment b) {
        call(function, word(a), word(b), 0, 0, 0);
    }

    /** A pointer argument: a native segment's address ({@code NULL}: 0); a heap segment is refused, as before. */
    static long word(MemorySegment pointer) {
        if (!pointer.isNative()) {
            throw new IllegalArgumentException("a Java heap segment cannot be passed to libvirt");
        }
        return pointer.address();
    }

    /** A pointer result as a zero-length segment, as the typed bindings returned it; 0 is {@link MemorySegment#NULL}. */
    static MemorySegment pointer(long address) {
        return address == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(address);
    }

    private static long call(Downcall function, long a, long b, long c, long d, long e) {
        try {
            return (long) function.handle().invokeExact(a, b, c, d, e);
        } catch (RuntimeException | Error t) {
            throw t;
        } catch (Throwable t) {
            throw new AssertionError(t); // a bound C function throws nothing checked
        }
    }
}

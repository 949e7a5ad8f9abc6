package coffer.virt.ffm;

import coffer.vault.ffm.Downcall;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.WrongMethodTypeException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeCallsTest {
    private static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();

    private static Downcall libc(String name, FunctionDescriptor descriptor) {
        return Downcall.find(LIBC, name, "no " + name, descriptor);
    }

    @Test
    void callsWithTheFunctionsOwnTypes() {
        Downcall strcmp = libc("strcmp", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        Downcall strchr = libc("strchr", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom("coffer");
            assertEquals(0, NativeCalls.callInt(strcmp, text, arena.allocateFrom("coffer")));
            assertTrue(NativeCalls.callInt(strcmp, text, arena.allocateFrom("vault")) < 0);
            assertEquals("er", NativeCalls.readString(NativeCalls.callPointer(strchr, text, 'e')));
            assertTrue(NativeCalls.isNull(NativeCalls.callPointer(strchr, text, 'z')));
        }
    }

    @Test
    void anIntPassedForACLongIsWidenedAsInvokeWithArgumentsDid() {
        Downcall strncmp = libc("strncmp", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(0, NativeCalls.callInt(strncmp, arena.allocateFrom("coffer"), arena.allocateFrom("cofxx"), 3));
        }
    }

    @Test
    void aCallThatCannotMatchTheFunctionIsRefused() {
        Downcall strlen = libc("strlen", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            // a C size_t read as an int: no conversion narrows, the call is refused
            assertThrows(WrongMethodTypeException.class, () -> NativeCalls.callInt(strlen, arena.allocateFrom("x")));
        }
    }
}

package coffer.virt.libvirt;

import coffer.vault.ffm.Downcall;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** libc functions of libvirt's argument kinds, bound with the one shape libvirt's are (WordCalls.SHAPE). */
class WordCallsTest {
    private static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();

    private static Downcall libc(String name) {
        return Downcall.find(LIBC, name, "no " + name, WordCalls.SHAPE);
    }

    @Test
    void onlyTheAbisWhereOneShapeIsCorrectAreAccepted() {
        WordCalls.checkAbi("amd64");
        WordCalls.checkAbi("aarch64");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WordCalls.checkAbi("s390x"));
        assertTrue(refused.getMessage().contains("s390x"), refused.getMessage());
    }

    @Test
    void intArgumentsAndResultsKeepTheirSign() {
        Downcall abs = libc("abs");
        assertEquals(5, WordCalls.callInt(abs, MemorySegment.ofAddress(-5L & 0xffffffffL))); // an int -5 in the low half
        try (Arena arena = Arena.ofConfined()) {
            Downcall strcmp = libc("strcmp");
            assertEquals(0, WordCalls.callInt(strcmp, arena.allocateFrom("coffer"), arena.allocateFrom("coffer")));
            assertTrue(WordCalls.callInt(strcmp, arena.allocateFrom("a"), arena.allocateFrom("b")) < 0);
            assertTrue(WordCalls.callInt(strcmp, arena.allocateFrom("b"), arena.allocateFrom("a")) > 0);
        }
    }

    @Test
    void pointerResultsAndNull() {
        Downcall strchr = libc("strchr");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom("coffer");
            MemorySegment found = WordCalls.callPointer(strchr, text, 'e');
            assertEquals(text.address() + 4, found.address());
            assertEquals("er", Native.readString(found));
            assertSame(MemorySegment.NULL, WordCalls.callPointer(strchr, text, 'z'));
        }
    }

    @Test
    void aLongArgumentPassesWhole() {
        Downcall memset = libc("memset"); // void *memset(void *s, int c, size_t n): the size as a long
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(JAVA_INT, 4);
            WordCalls.callInt(memset, buffer, MemorySegment.ofAddress(0x11), 3L, 0); // c = 0x11, n = 3
            assertEquals(0x00111111, buffer.get(JAVA_INT, 0));
        }
    }

    @Test
    void aHeapSegmentIsRefused() {
        Downcall strlen = libc("strlen");
        assertThrows(IllegalArgumentException.class, () -> WordCalls.callInt(strlen, MemorySegment.ofArray(new byte[4])));
    }
}

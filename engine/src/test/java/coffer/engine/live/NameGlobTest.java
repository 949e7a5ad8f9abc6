package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File name globs (docs/design/live-access.md, "Searching a file across points") and the escaping of guest names. */
class NameGlobTest {
    @Test
    void matchesWholeNamesWithStarsQuestionMarksClassesAndAlternatives() {
        assertTrue(NameGlob.parse("hosts").matches("hosts"));
        assertFalse(NameGlob.parse("hosts").matches("hosts.bak"), "the whole name, not a part");
        assertTrue(NameGlob.parse("*.conf").matches("nginx.conf"));
        assertFalse(NameGlob.parse("*.conf").matches("nginx.conf.d"));
        assertTrue(NameGlob.parse("x?[0-9]").matches("xa7"));
        assertFalse(NameGlob.parse("x?[0-9]").matches("xab"));
        assertTrue(NameGlob.parse("[!a]b").matches("cb"));
        assertFalse(NameGlob.parse("[!a]b").matches("ab"));
        assertTrue(NameGlob.parse("{a,bc}.txt").matches("bc.txt"));
        assertFalse(NameGlob.parse("{a,bc}.txt").matches("b.txt"));
        assertTrue(NameGlob.parse("a.b").matches("a.b"));
        assertFalse(NameGlob.parse("a.b").matches("axb"), "regex characters are literal");
        assertTrue(NameGlob.parse("\\*").matches("*"));
        assertFalse(NameGlob.parse("\\*").matches("x"));
        assertTrue(NameGlob.parse("[]]").matches("]"));
        assertTrue(NameGlob.parse("x*").matches("x\nodd"), "a name with a newline is one name");
        assertTrue(NameGlob.parse("x*").matches(new byte[]{'x', (byte) 0xff}), "a name that is not UTF-8 still matches");
    }

    @Test
    void refusesWhatDoesNotParseOrNamesAPath() {
        for (String bad : List.of("", "a/b", "[ab", "{a,b", "a}", "{a{b}}", "x\\", "x".repeat(257))) {
            assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> NameGlob.parse(bad)).code(), bad);
        }
    }

    @Test
    void escapesGuestNamesToOneLineOfText() {
        assertEquals("plain", GuestNames.escape("plain".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\\nb\\tc\\\\d\\x1b", GuestNames.escape("a\nb\tc\\d\u001b".getBytes(StandardCharsets.UTF_8)));
        assertEquals("x\\xff\\xc3", GuestNames.escape(new byte[]{'x', (byte) 0xff, (byte) 0xc3}), "bytes that are not UTF-8");
        assertEquals("é€", GuestNames.escape("é€".getBytes(StandardCharsets.UTF_8)), "UTF-8 beyond ASCII stays");
        assertEquals("é", GuestNames.text("é".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\\xfe", GuestNames.text(new byte[]{'a', (byte) 0xfe}));
        assertEquals(null, GuestNames.utf8(new byte[]{(byte) 0xfe}));
        assertEquals("\\u2028", GuestNames.escape("\u2028"), "a line separator is escaped too");
    }
}

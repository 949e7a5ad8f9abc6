package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.ListFiles;
import coffer.engine.operation.SearchFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static coffer.engine.live.NameBytes.bytes;
import static coffer.engine.live.NameBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The escaped form of guest names (docs/cli.md, "Files of a point"): what {@code files ls} and {@code files search}
 * print reads back as the exact bytes ({@link GuestNames#unescape}, {@link GuestPath#parseEscaped}), and a bad escape is
 * refused with {@code InvalidArgument} naming it.
 */
class EscapedPathsTest {
    @Test
    void everyPrintedNameReadsBackAsItsBytes() {
        List<byte[]> names = List.of(
                utf8("plain"), utf8("caf\u00e9"), bytes('c', 'a', 'f', 0xe9), bytes('x', 0xff, 0xfe), utf8("a\\b"),
                utf8("a\\xe9"), utf8("new\nline\ttab\rcr"), bytes(0x01, 0x7f), utf8("\u2028\u2029"),
                utf8("c1 \u0085 \u0080 \u009f"), bytes(0xc2), bytes(0xe2, 0x82), utf8("\uD83D\uDE00 emoji"),
                bytes(0xf0, 0x9f, 0x98), utf8("\\\\u0041"));
        for (byte[] name : names) {
            String printed = GuestNames.escape(name);
            assertArrayEquals(name, GuestNames.unescape(printed), printed);
            String json = GuestNames.text(name); // JSON: the name itself when UTF-8, else escaped
            if (GuestNames.utf8(name) == null) {
                assertArrayEquals(name, GuestNames.unescape(json), json);
            }
        }
    }

    @Test
    void aC1ControlIsPrintedAsACodePointNotAsTheByteItIsNot() {
        // U+0085 is the two bytes C2 85; printed as \x85 it read back as the one byte 0x85, another name
        assertEquals("a\\u0085b", GuestNames.escape(utf8("a\u0085b")));
        assertEquals("a\\x85b", GuestNames.escape(bytes('a', 0x85, 'b')));
        assertNotEquals(GuestNames.escape(utf8("\u0085")), GuestNames.escape(bytes(0x85)));
    }

    @Test
    void escapesReadAsDocumented() {
        assertArrayEquals(bytes('/', 'c', 'a', 'f', 0xe9), GuestNames.unescape("/caf\\xe9"));
        assertArrayEquals(bytes('/', 'c', 'a', 'f', 0xe9), GuestNames.unescape("/caf\\xE9"));
        assertArrayEquals(utf8("/\u00e9"), GuestNames.unescape("/\\u00e9"));
        assertArrayEquals(utf8("/\u00e9"), GuestNames.unescape("/\u00e9"), "a character itself is its UTF-8");
        assertArrayEquals(utf8("a\\b\nc\td\re"), GuestNames.unescape("a\\\\b\\nc\\td\\re"));
    }

    @Test
    void badEscapesAreRefusedNamingThem() {
        for (String bad : List.of("/a\\", "/a\\q", "/a\\x", "/a\\xg0", "/a\\x0", "/a\\u12", "/a\\u12zz", "/a\\ud800", "/a\\b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestNames.unescape(bad), bad);
            assertTrue(e.getMessage().startsWith("bad escape '\\"), e.getMessage());
            CofferException c = assertThrows(CofferException.class, () -> GuestPath.parseEscaped(bad), bad);
            assertEquals(ErrorCode.InvalidArgument, c.code());
            assertTrue(c.getMessage().contains(bad), c.getMessage());
        }
        assertEquals("a path cannot hold a NUL character",
                assertThrows(CofferException.class, () -> GuestPath.parseEscaped("/a\\x00b")).getMessage());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> GuestPath.parseEscaped("/a/\\x2e\\x2e"))
                .code(), "'..' spelt with escapes is '..'");
    }

    @Test
    void anEscapedPathIsItsComponentsAsBytes() {
        GuestPath path = GuestPath.parseEscaped("/d\\xff//./in\\xfe");
        assertArrayEquals(bytes('/', 'd', 0xff, '/', 'i', 'n', 0xfe), path.bytes());
        assertEquals("/d\\xff/in\\xfe", path.absolute(), "shown escaped, as read");
        assertEquals("d\\xff/in\\xfe", path.archiveName(false));
        assertEquals(GuestPath.ROOT.child(bytes('d', 0xff)).child(bytes('i', 'n', 0xfe)), path);
        assertArrayEquals(utf8("/a\\b"), GuestPath.parse("/a\\b").bytes(), "not escaped: the text's own UTF-8");
        assertArrayEquals(utf8("/a\\b"), GuestPath.parseEscaped("/a\\\\b").bytes());
        assertArrayEquals(utf8("/"), GuestPath.parseEscaped("/").bytes());
    }

    @Test
    void requestsWithEscapedPathsRefuseBadEscapesWithTheirField() {
        assertInvalid(() -> new ListFiles("p", "vda", null, "/a\\q", true, null, null, true), "path");
        assertInvalid(() -> new ExportFiles("p", "vda", null, List.of("/ok", "/a\\x1"), null, true), "paths");
        assertInvalid(() -> new SearchFiles("web", "x", "/a\\", null, null, null, true), "path");
        // not escaped, a backslash is itself
        assertArrayEquals(utf8("/a\\q"), new ListFiles("p", "vda", null, "/a\\q", true, null, null, null).guestPath().bytes());
        assertArrayEquals(bytes('/', 'a', 0xe9), new ListFiles("p", "vda", null, "/a\\xe9", true, null, null, true).guestPath().bytes());
        assertArrayEquals(bytes('/', 'a', 0xe9), new ExportFiles("p", "vda", null, List.of("/a\\xe9"), null, true)
                .guestPaths().getFirst().bytes());
        assertArrayEquals(bytes('/', 'a', 0xe9), new SearchFiles("web", "x", "/a\\xe9", null, null, null, true).guestPath().bytes());
        assertEquals(Boolean.TRUE, new ExportFiles("p", "vda", null, List.of("/a\\xe9"), null, true).resolved("01X").escaped());
        assertEquals(Boolean.TRUE, new ListFiles("p", "vda", null, "/a\\xe9", false, null, 2, true)
                .next(new coffer.engine.catalog.NameCursor("b", "file").encode()).escaped());
    }

    private static void assertInvalid(Executable request, String field) {
        CofferException e = assertThrows(CofferException.class, request);
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains(field) && e.getMessage().contains("bad escape"), e.getMessage());
    }
}

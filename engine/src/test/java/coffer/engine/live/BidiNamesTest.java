package coffer.engine.live;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A guest name holding a Unicode bidirectional control (U+202A–U+202E, U+2066–U+2069) is printed with the control
 * escaped ({@code &#92;u202e}), so that {@code files ls}, {@code files search} and the console's files page cannot show
 * {@code x<RLO>gnp.exe} as {@code xexe.png} (docs/cli.md, "Files of a point"); the printed form reads back as the same
 * bytes, whether the name is UTF-8 or not. Without the change the controls were printed as they are (checked).
 */
class BidiNamesTest {
    @Test
    void bidirectionalControlsArePrintedEscapedAndReadBack() {
        for (int c : new int[] {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069}) {
            String name = "x" + Character.toString(c) + "gnp.exe";
            String printed = GuestNames.escape(name);
            assertEquals("x\\u" + Integer.toHexString(c) + "gnp.exe", printed);
            assertArrayEquals(name.getBytes(StandardCharsets.UTF_8), GuestNames.unescape(printed), printed);
            // a name that is not UTF-8 (escaped byte by byte) escapes its controls the same way
            byte[] latin = (name + "\u00e9").getBytes(StandardCharsets.UTF_8);
            byte[] mixed = java.util.Arrays.copyOf(latin, latin.length + 1);
            mixed[latin.length] = (byte) 0xff;
            String shown = GuestNames.escape(mixed);
            assertEquals(printed + "\u00e9\\xff", shown);
            assertArrayEquals(mixed, GuestNames.unescape(shown), shown);
        }
        // the neighbours are not controls of that kind and stay as they are
        assertEquals("a\u2029b".replace("\u2029", "\\u2029"), GuestNames.escape("a\u2029b"));
        assertEquals("a\u2030b", GuestNames.escape("a\u2030b"));
        assertEquals("a\u2065b", GuestNames.escape("a\u2065b"));
        assertEquals("a\u206ab", GuestNames.escape("a\u206ab"));
        // and one name cannot be printed like the other
        assertNotEquals(GuestNames.escape("x\u202egnp.exe"), GuestNames.escape("xexe.png"));
    }
}

package coffer.engine.live;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * File names as a guest stores them (bytes: anything but NUL and {@code /}) turned into text that cannot break an output:
 * {@link #text} is the name itself when it is UTF-8, else its {@linkplain #escape escaped} form; {@link #escape} shows a
 * backslash as {@code \\}, a newline as {@code \n}, a tab as {@code \t}, other control characters and bytes that are
 * not UTF-8 as {@code \xNN}, so one name is one line. Stateless.
 */
public final class GuestNames {
    private GuestNames() {
    }

    /** The name as text: itself when its bytes are UTF-8, else null. */
    public static String utf8(byte[] name) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The name escaped: one line of printable text, the bytes recoverable from it. */
    public static String escape(byte[] name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < name.length) {
            int lead = name[i] & 0xff;
            int length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            String one = i + length <= name.length ? utf8(Arrays.copyOfRange(name, i, i + length)) : null;
            if (one == null) {
                out.append(String.format("\\x%02x", lead));
                i++;
            } else {
                out.append(escape(one));
                i += length;
            }
        }
        return out.toString();
    }

    /** Text escaped the same way: backslash, control characters (C0, DEL, C1) and line separators. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                        out.append(String.format("\\x%02x", c));
                    } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** The name for an output: itself when UTF-8, else escaped. */
    public static String text(byte[] name) {
        String utf8 = utf8(name);
        return utf8 != null ? utf8 : escape(name);
    }
}

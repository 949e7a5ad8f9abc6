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
 * not UTF-8 as {@code \xNN}, so one name is one line; {@link #unescape} turns that form back into the exact bytes
 * (docs/cli.md, "Files of a point": a name copied from {@code files ls} or {@code files search} names the same file).
 * Stateless.
 *
 * <p>The escaped form: {@code \\} a backslash, {@code \n} {@code \t} {@code \r} those control characters,
 * {@code \xNN} (two hex digits) the one byte NN, {@code &#92;uNNNN} (four hex digits) that code point in UTF-8, any other
 * character itself in UTF-8. A backslash followed by anything else, or ending the text, is refused.
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

    /**
     * Text escaped the same way: backslash, control characters (C0, DEL, C1), line separators and the bidirectional
     * embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069, as {@code &#92;u202e}).
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\\') {
                out.append("\\\\");
            } else {
                appendShown(out, c);
            }
        });
        return out.toString();
    }

    /**
     * Text for one line of a terminal, the command line's tables (an instance's name, a policy's, a message): each
     * character that would change the terminal or what follows it (control characters, line separators and the
     * bidirectional controls) written as {@link #escape} writes it, everything else, backslashes included, as it is.
     * The console writes the bidirectional controls of shown text the same way ({@link #escapeBidi}; docs/console.md,
     * "Hostile text"). Text without such a character comes back as it is.
     */
    public static String escapeControls(String text) {
        if (text.codePoints().allMatch(GuestNames::shownAsItIs)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> appendShown(out, c));
        return out.toString();
    }

    /** Text with each bidirectional control written {@code &#92;uNNNN} (lower-case hex), the rest as it is: HTML's shown text. */
    public static String escapeBidi(String text) {
        if (text.codePoints().noneMatch(GuestNames::isBidiControl)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (isBidiControl(c)) {
                out.append(unicodeEscape(c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** Whether {@code c} is one of the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
    public static boolean isBidiControl(int c) {
        return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** {@code c}'s escape as {@code &#92;uNNNN} (lower-case hex). */
    public static String unicodeEscape(int c) {
        return String.format("\\u%04x", c);
    }

    /** Whether {@code c} is shown as it is by {@link #escapeControls}. */
    private static boolean shownAsItIs(int c) {
        return !(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 || isBidiControl(c));
    }

    /** Appends {@code c} (not a backslash) as the escaped form shows it. */
    private static void appendShown(StringBuilder out, int c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '\r' -> out.append("\\r");
            default -> {
                if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\x%02x", c));
                } else if (!shownAsItIs(c)) {
                    // a C1 control is two bytes in UTF-8: \xNN stays one byte (session 19, docs/reliability.md);
                    // a bidirectional control would reorder what follows it, so that a name looks like another
                    // (session 21, docs/reliability.md)
                    out.append(unicodeEscape(c));
                } else {
                    out.appendCodePoint(c);
                }
            }
        }
    }

    /**
     * The bytes an {@linkplain #escape escaped} text stands for ({@code escape(unescape(t))} gives back what
     * {@code escape} printed); a text without backslashes is its UTF-8.
     *
     * @throws IllegalArgumentException naming the first bad escape: a backslash not followed by {@code \\}, {@code n},
     *                                  {@code t}, {@code r}, {@code x} and two hex digits, {@code u} and four, or a
     *                                  {@code \\u} naming a surrogate
     */
    public static byte[] unescape(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '\\') {
                int end = i + Character.charCount(text.codePointAt(i));
                out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            char kind = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            switch (kind) {
                case '\\' -> out.write('\\');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'x' -> out.write(hex(text, i, 2));
                case 'u' -> {
                    int cp = hex(text, i, 4);
                    if (Character.isSurrogate((char) cp)) {
                        throw new IllegalArgumentException("bad escape '" + text.substring(i, i + 6) + "' at character " + (i + 1)
                                + ": a surrogate is not a character");
                    }
                    out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                }
                default -> throw new IllegalArgumentException("bad escape '" + text.substring(i, Math.min(text.length(), i + 2))
                        + "' at character " + (i + 1) + ": a backslash starts \\\\, \\n, \\t, \\r, \\xNN or \\uNNNN"
                        + " (write a backslash as \\\\)");
            }
            i += kind == 'x' ? 4 : kind == 'u' ? 6 : 2;
        }
        return out.toByteArray();
    }

    /** The {@code digits} hex digits after the escape at {@code at} ({@code \xNN}, {@code &#92;uNNNN}). */
    private static int hex(String text, int at, int digits) {
        int from = at + 2;
        String shown = text.substring(at, Math.min(text.length(), from + digits));
        if (from + digits > text.length()) {
            throw new IllegalArgumentException("bad escape '" + shown + "' at character " + (at + 1) + ": "
                    + digits + " hex digits expected");
        }
        int value = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(text.charAt(k), 16);
            if (d < 0) {
                throw new IllegalArgumentException("bad escape '" + shown + "' at character " + (at + 1) + ": "
                        + digits + " hex digits expected");
            }
            value = value * 16 + d;
        }
        return value;
    }

    /**
     * The name in an archive (tar's long names are UTF-8 text): a UTF-8 name itself with each backslash written
     * {@code \\}, any other name {@linkplain #escape escaped}. {@link #unescape} of it gives the name's bytes back, so two
     * names never share an archive name: a name spelt {@code caf\xe9} is {@code caf\\xe9}, the Latin-1 {@code café}
     * (byte 0xE9) is {@code caf\xe9} (docs/cli.md, "Files of a point"; session 21, docs/reliability.md).
     */
    public static String archive(byte[] name) {
        String utf8 = utf8(name);
        return utf8 != null ? utf8.replace("\\", "\\\\") : escape(name);
    }

    /** The name for an output: itself when UTF-8, else escaped. */
    public static String text(byte[] name) {
        String utf8 = utf8(name);
        return utf8 != null ? utf8 : escape(name);
    }
}

package coffer.engine.live;

import java.nio.charset.StandardCharsets;

/** Test support: guest names as the bytes a file system holds, written out byte by byte or as UTF-8 text. */
final class NameBytes {
    private NameBytes() {
    }

    /** The bytes of {@code values}, each taken as one unsigned byte ({@code 0xe9}, {@code 'a'}). */
    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** The UTF-8 bytes of {@code s}. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

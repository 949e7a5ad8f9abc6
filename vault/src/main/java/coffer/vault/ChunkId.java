package coffer.vault;

import java.util.HexFormat;

/**
 * A chunk's 32-byte digest (SHA-256, or HMAC-SHA-256 in encrypted vaults), held as four longs so sets of
 * millions of them stay compact. The all-zero value {@link #ZERO} marks a chunk of zeros, which is never
 * stored.
 *
 * <p>Immutable; thread-safe.
 */
public record ChunkId(long a, long b, long c, long d) {
    public static final ChunkId ZERO = new ChunkId(0, 0, 0, 0);
    public static final int BYTES = 32;

    public static ChunkId of(byte[] bytes, int offset) {
        return new ChunkId(getLong(bytes, offset), getLong(bytes, offset + 8), getLong(bytes, offset + 16),
                getLong(bytes, offset + 24));
    }

    public static ChunkId ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex), 0);
    }

    public boolean isZero() {
        return (a | b | c | d) == 0;
    }

    public void writeTo(byte[] bytes, int offset) {
        putLong(bytes, offset, a);
        putLong(bytes, offset + 8, b);
        putLong(bytes, offset + 16, c);
        putLong(bytes, offset + 24, d);
    }

    public String hex() {
        byte[] bytes = new byte[BYTES];
        writeTo(bytes, 0);
        return HexFormat.of().formatHex(bytes);
    }

    /** The backend object holding this chunk: {@code chunks/<first two hex digits>/<64 hex digits>}. */
    public String objectName() {
        String hex = hex();
        return "chunks/" + hex.substring(0, 2) + "/" + hex;
    }

    @Override
    public String toString() {
        return hex();
    }

    /**
     * The record's own equality, written out: the implicit one is linked at run time through
     * {@code java.lang.runtime.ObjectMethods} (method handles and about 20 generated LambdaForm classes on the first
     * chunk, which the start-up cache does not keep; docs/performance.md, session 15), and ids are compared in every
     * backup's data path.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ChunkId id && a == id.a && b == id.b && c == id.c && d == id.d;
    }

    /** The value the implicit record hash gave (31 * h + each component's {@link Long#hashCode}), so orders stay. */
    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Long.hashCode(a) + Long.hashCode(b)) + Long.hashCode(c)) + Long.hashCode(d);
    }

    private static long getLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xffL);
        }
        return value;
    }

    private static void putLong(byte[] bytes, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }
}

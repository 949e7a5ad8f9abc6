package coffer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Deterministic test bytes: random (incompressible), text (compressible, like logs and configuration
 * files on a real disk), digests (of bytes and of files) and bit flips. The same seed always gives the same bytes.
 *
 * <p>Stateless; thread-safe.
 */
public final class TestData {
    private static final String[] WORDS = ("the vault keeps every point of every disk while chunks are shared "
            + "between points so a backup stores only what changed since the last one and restore writes "
            + "each chunk back at its offset kernel systemd journal started stopped service network interface "
            + "error warning info debug user root home etc var log").split(" ");

    private TestData() {
    }

    /** {@code length} incompressible bytes. */
    public static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Creates {@code file} holding {@code size} incompressible bytes, written 1 MiB at a time (no large array). */
    public static java.nio.file.Path writeRandom(java.nio.file.Path file, long size, long seed) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            fillRandom(ch, size, seed);
        }
        return file;
    }

    /**
     * Overwrites the first {@code size} bytes of the existing {@code file} (not truncated; a running domain's raw disk)
     * with incompressible bytes, 1 MiB at a time: what {@code dd if=/dev/urandom conv=notrunc} gave, at a fifth of its
     * CPU (docs/performance.md, session 24). Each {@code seed} gives other bytes, so a backup has to store them anew.
     */
    public static void overwriteRandom(java.nio.file.Path file, long size, long seed) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            fillRandom(ch, size, seed);
        }
    }

    /** Writes {@code size} seeded incompressible bytes from offset 0 of {@code ch}, 1 MiB at a time. */
    private static void fillRandom(java.nio.channels.FileChannel ch, long size, long seed) throws java.io.IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        byte[] buffer = new byte[1 << 20];
        for (long done = 0; done < size; done += buffer.length) {
            random.nextBytes(buffer);
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, size - done));
            while (chunk.hasRemaining()) {
                ch.write(chunk, done + chunk.position());
            }
        }
    }

    /** {@code length} bytes of log-like ASCII text that zstd compresses several times over. */
    public static byte[] text(long seed, int length) {
        Random random = new Random(seed);
        byte[] bytes = new byte[length];
        int at = 0;
        long line = 0;
        while (at < length) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%08d ", line++));
            int words = 4 + random.nextInt(8);
            for (int w = 0; w < words; w++) {
                sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            sb.setCharAt(sb.length() - 1, '\n');
            byte[] chunk = sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int n = Math.min(chunk.length, length - at);
            System.arraycopy(chunk, 0, bytes, at, n);
            at += n;
        }
        return bytes;
    }

    public static String sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    public static String sha256(byte[] data, int offset, int length) {
        MessageDigest md = sha256Digest();
        md.update(data, offset, length);
        return HexFormat.of().formatHex(md.digest());
    }

    /** The SHA-256 (hex) of a file's bytes, read in 1 MiB pieces (disk images too large to hold in memory). */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code data} with bit {@code bit} (0 = lowest bit of byte 0) inverted. */
    public static byte[] flipBit(byte[] data, long bit) {
        byte[] copy = data.clone();
        copy[(int) (bit >>> 3)] ^= (byte) (1 << (bit & 7));
        return copy;
    }
}

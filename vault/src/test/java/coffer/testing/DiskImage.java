package coffer.testing;

import java.util.Arrays;
import java.util.Random;

/**
 * Builds the bytes of a test disk range by range, reading like a description of the disk:
 * <pre>
 *   byte[] disk = new DiskImage(5 * CHUNK + 12345, seed)
 *           .random(0, CHUNK)                 // data
 *           .copy(0, 2 * CHUNK, CHUNK)        // chunk 2 repeats chunk 0
 *           .text(3 * CHUNK, CHUNK)           // compressible
 *           .bytes();                         // everything else is zeros
 * </pre>
 * Deterministic for a seed. Not thread-safe (a builder).
 */
public final class DiskImage {
    private final byte[] bytes;
    private final Random random;

    public DiskImage(int size, long seed) {
        this.bytes = new byte[size];
        this.random = new Random(seed);
    }

    /** Starts from a copy of {@code original}, e.g. to describe the changes of a second point. */
    public static DiskImage from(byte[] original, long seed) {
        DiskImage image = new DiskImage(original.length, seed);
        System.arraycopy(original, 0, image.bytes, 0, original.length);
        return image;
    }

    public DiskImage random(long offset, int length) {
        System.arraycopy(TestData.random(random.nextLong(), length), 0, bytes, (int) offset, length);
        return this;
    }

    public DiskImage text(long offset, int length) {
        System.arraycopy(TestData.text(random.nextLong(), length), 0, bytes, (int) offset, length);
        return this;
    }

    public DiskImage zeros(long offset, int length) {
        Arrays.fill(bytes, (int) offset, (int) offset + length, (byte) 0);
        return this;
    }

    public DiskImage fill(long offset, int length, byte value) {
        Arrays.fill(bytes, (int) offset, (int) offset + length, value);
        return this;
    }

    /** Copies {@code length} bytes from {@code from} to {@code to} (duplicated data). */
    public DiskImage copy(long from, long to, int length) {
        System.arraycopy(bytes, (int) from, bytes, (int) to, length);
        return this;
    }

    public int size() {
        return bytes.length;
    }

    /** A copy of the bytes built so far. */
    public byte[] bytes() {
        return bytes.clone();
    }
}

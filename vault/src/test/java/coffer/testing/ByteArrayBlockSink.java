package coffer.testing;

import coffer.vault.io.BlockSink;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A restore target in a byte array, keeping the {@link BlockSink} contract (a new sink reads as zeros).
 *
 * <p>Thread-safe for writes of disjoint ranges, as the contract requires of callers.
 */
public final class ByteArrayBlockSink implements BlockSink {
    private final byte[] data;
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean committed;
    private volatile boolean closed;

    public ByteArrayBlockSink(int size) {
        this.data = new byte[size];
    }

    private ByteArrayBlockSink(byte[] initial) {
        this.data = initial;
    }

    /** A sink already holding {@code initial} (copied), like a disk restored in place. */
    public static ByteArrayBlockSink holding(byte[] initial) {
        return new ByteArrayBlockSink(initial.clone());
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        check(offset, src.remaining());
        src.get(data, (int) offset, src.remaining());
        writes.incrementAndGet();
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        check(offset, length);
        Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
        writes.incrementAndGet();
    }

    @Override
    public void commit() throws IOException {
        if (closed) {
            throw new IOException(describe() + " is closed");
        }
        committed = true;
    }

    @Override
    public String describe() {
        return "byte array sink of " + data.length + " bytes";
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean committed() {
        return committed;
    }

    /** How many writes (data and zeroes) the sink received. */
    public long writes() {
        return writes.get();
    }

    /** A copy of the sink's bytes. */
    public byte[] bytes() {
        return data.clone();
    }

    public String sha256() {
        return TestData.sha256(data);
    }

    private void check(long offset, long length) throws IOException {
        if (closed) {
            throw new IOException(describe() + " is closed");
        }
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new EOFException("write of " + length + " bytes at " + offset + " past the end of " + describe());
        }
    }
}

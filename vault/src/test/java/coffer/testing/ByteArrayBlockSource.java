package coffer.testing;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk in a byte array, keeping the {@link BlockSource} contract, and counting what is read so tests can
 * assert what the vault did not read.
 *
 * <p>{@link #of} reports one data extent over every asked range (a source that cannot tell holes);
 * {@link #sparse} reports only the {@code granularity}-aligned blocks holding a non-zero byte, like a raw
 * file's {@code SEEK_DATA} or an NBD export's block status.
 *
 * <p>Thread-safe (the vault reads chunks in parallel).
 */
public final class ByteArrayBlockSource implements BlockSource {
    private final byte[] data;
    private final int granularity;
    private final String name;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final List<Extent> readRanges = new ArrayList<>();
    private volatile boolean closed;

    private ByteArrayBlockSource(byte[] data, int granularity, String name) {
        this.data = data;
        this.granularity = granularity;
        this.name = name;
    }

    /** A source that reports every range as data. The array is not copied: do not change it while in use. */
    public static ByteArrayBlockSource of(byte[] data) {
        return new ByteArrayBlockSource(data, 0, "byte array of " + data.length + " bytes");
    }

    /** A source that reports holes at {@code granularity} (a power of two, e.g. 4096). */
    public static ByteArrayBlockSource sparse(byte[] data, int granularity) {
        if (Integer.bitCount(granularity) != 1) {
            throw new IllegalArgumentException("granularity must be a power of two: " + granularity);
        }
        return new ByteArrayBlockSource(data, granularity, "sparse byte array of " + data.length + " bytes");
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) throws IOException {
        checkOpen();
        long end = Math.min(offset + length, data.length);
        if (granularity == 0) {
            return offset < end ? List.of(new Extent(offset, end - offset)) : List.of();
        }
        List<Extent> extents = new ArrayList<>();
        long runStart = -1;
        for (long block = offset - offset % granularity; block < end; block += granularity) {
            long from = Math.max(block, offset);
            long to = Math.min(block + granularity, end);
            boolean hasData = false;
            for (long i = from; i < to && !hasData; i++) {
                hasData = data[(int) i] != 0;
            }
            if (hasData && runStart < 0) {
                runStart = from;
            } else if (!hasData && runStart >= 0) {
                extents.add(new Extent(runStart, from - runStart));
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            extents.add(new Extent(runStart, end - runStart));
        }
        return extents;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        int length = dst.remaining();
        if (offset < 0 || offset + length > data.length) {
            throw new EOFException("read of " + length + " bytes at " + offset + " past the end of " + describe());
        }
        dst.put(data, (int) offset, length);
        reads.incrementAndGet();
        bytesRead.addAndGet(length);
        synchronized (readRanges) {
            readRanges.add(new Extent(offset, length));
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }

    /** How many {@link #read} calls succeeded. */
    public long reads() {
        return reads.get();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    /** Every range read so far, in no particular order. */
    public List<Extent> readRanges() {
        synchronized (readRanges) {
            return List.copyOf(readRanges);
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException(describe() + " is closed");
        }
    }
}

package coffer.vault.format;

import coffer.vault.ChunkId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The entries of a {@link FixedIndex} too large to hold on the heap, kept in a temporary file instead
 * (docs/format/index.md, "Memory"). The file is unlinked as soon as it is opened: its space is the kernel's to free
 * when the channel closes (on {@link #close}, when the index is collected, or when the process ends, killed or not),
 * so no run leaves one behind. Read and written in blocks of {@value #BLOCK} bytes through a small write-back cache
 * of {@value #SLOTS} blocks (a sequential pass loads each block once); a block of zeros never written stays a hole,
 * so the file of a sparse disk's index stays as sparse as the disk.
 *
 * <p>Thread-safe: every access holds the object's lock (callers do far more work per entry than the lock costs).
 */
final class IndexFile implements AutoCloseable {
    static final int BLOCK = 64 * 1024;
    static final int SLOTS = 64;
    /** Where the files go: this property's directory, else {@code java.io.tmpdir}. */
    static final String DIRECTORY_PROPERTY = "coffer.index.tmpdir";

    private final FileChannel channel;
    private final long length;
    private final long[] slotBlock = new long[SLOTS];
    private final byte[][] slotData = new byte[SLOTS][];
    private final boolean[] dirty = new boolean[SLOTS];
    private final BitSet written = new BitSet();
    private final byte[] zeros = new byte[BLOCK];

    private IndexFile(FileChannel channel, long length) {
        this.channel = channel;
        this.length = length;
        Arrays.fill(slotBlock, -1);
    }

    /** A file of {@code length} bytes of zeros (a hole). */
    static IndexFile create(long length) {
        String dir = System.getProperty(DIRECTORY_PROPERTY, System.getProperty("java.io.tmpdir"));
        try {
            Path path = Files.createTempFile(Path.of(dir), "coffer-index-", ".tmp");
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } finally {
                Files.delete(path);
            }
            return new IndexFile(channel, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary file for a chunk index of " + (length >> 20)
                    + " MiB in " + dir + ": " + e.getMessage(), e);
        }
    }

    long length() {
        return length;
    }

    /**
     * The chunk id of the 32 bytes at {@code offset}: {@link ChunkId#ZERO} without loading a block never written (most
     * of a sparse disk's index) nor making an id of zeros.
     */
    synchronized ChunkId id(long offset) {
        long number = offset / BLOCK;
        if (slotBlock[(int) (number % SLOTS)] != number && !written.get((int) number)) {
            return ChunkId.ZERO;
        }
        byte[] block = block(number);
        int from = (int) (offset % BLOCK);
        return zero(block, from) ? ChunkId.ZERO : ChunkId.of(block, from);
    }

    private static boolean zero(byte[] block, int from) {
        int bits = 0;
        for (int k = from; k < from + 32; k++) {
            bits |= block[k];
        }
        return bits == 0;
    }

    /** Whether the 32 bytes at {@code offset} are all zeros. */
    synchronized boolean isZero(long offset) {
        long number = offset / BLOCK;
        if (slotBlock[(int) (number % SLOTS)] != number && !written.get((int) number)) {
            return true;
        }
        byte[] block = block(number);
        int from = (int) (offset % BLOCK);
        int bits = 0;
        for (int k = from; k < from + 32; k++) {
            bits |= block[k];
        }
        return bits == 0;
    }

    /** Writes {@code n} bytes (within one block) at {@code offset}. */
    synchronized void write(long offset, byte[] from, int at, int n) {
        long number = offset / BLOCK;
        byte[] block = block(number);
        System.arraycopy(from, at, block, (int) (offset % BLOCK), n);
        dirty[(int) (number % SLOTS)] = true;
    }

    /** The cached block {@code number}, loaded (after writing back the slot's dirty block) when not cached. */
    private byte[] block(long number) {
        int slot = (int) (number % SLOTS);
        if (slotBlock[slot] == number) {
            return slotData[slot];
        }
        writeBack(slot);
        byte[] data = slotData[slot] == null ? new byte[BLOCK] : slotData[slot];
        if (written.get((int) number)) {
            readFully(number * BLOCK, data, blockLength(number));
        } else {
            Arrays.fill(data, (byte) 0);
        }
        slotData[slot] = data;
        slotBlock[slot] = number;
        return data;
    }

    private int blockLength(long number) {
        return (int) Math.min(BLOCK, length - number * BLOCK);
    }

    private void writeBack(int slot) {
        if (!dirty[slot]) {
            return;
        }
        long number = slotBlock[slot];
        int n = blockLength(number);
        byte[] data = slotData[slot];
        if (written.get((int) number) || !Arrays.equals(data, 0, n, zeros, 0, n)) {
            writeFully(number * BLOCK, data, n);
            written.set((int) number);
        }
        dirty[slot] = false;
    }

    private void readFully(long position, byte[] into, int n) {
        ByteBuffer buffer = ByteBuffer.wrap(into, 0, n);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    Arrays.fill(into, buffer.position(), n, (byte) 0); // beyond the end: never written
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a chunk index's temporary file: " + e.getMessage(), e);
        }
    }

    private void writeFully(long position, byte[] from, int n) {
        ByteBuffer buffer = ByteBuffer.wrap(from, 0, n);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + buffer.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a chunk index's temporary file: " + e.getMessage(), e);
        }
    }

    /** A consumer of the file's bytes in order, a window at a time. */
    interface Windows {
        void accept(byte[] window, int length) throws IOException;
    }

    /** Hands every byte of the file, in order, to {@code into}, one block at a time. */
    synchronized void forEachBlock(Windows into) throws IOException {
        byte[] data = new byte[BLOCK];
        long blocks = (length + BLOCK - 1) / BLOCK;
        for (long number = 0; number < blocks; number++) {
            int n = blockLength(number);
            int slot = (int) (number % SLOTS);
            if (slotBlock[slot] == number) {
                into.accept(slotData[slot], n);
            } else if (written.get((int) number)) {
                readFully(number * BLOCK, data, n);
                into.accept(data, n);
            } else {
                into.accept(zeros, n);
            }
        }
    }

    /** A new file with this one's content (its holes kept). */
    synchronized IndexFile copy() {
        IndexFile copy = create(length);
        long blocks = (length + BLOCK - 1) / BLOCK;
        for (int slot = 0; slot < SLOTS; slot++) {
            writeBack(slot);
        }
        byte[] data = new byte[BLOCK];
        for (long number = written.nextSetBit(0); number >= 0 && number < blocks;
             number = written.nextSetBit((int) number + 1)) {
            int n = blockLength(number);
            readFully(number * BLOCK, data, n);
            copy.writeFully(number * BLOCK, data, n);
            copy.written.set((int) number);
        }
        return copy;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package coffer.virt.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * Blocking, complete reads and writes of big-endian NBD fields on one socket channel.
 *
 * <p>Heap buffers move in windows of at most {@value #WINDOW} bytes: the JDK copies a heap buffer through a
 * temporary direct buffer as large as the transfer and caches it per thread, so a 32 MiB read would pin a
 * 32 MiB native buffer on every reading thread.
 *
 * <p>Not thread-safe: owned by one connection ({@link NbdConnection}, or a server's), which serializes its reads and
 * its writes; one thread may read while another writes.
 */
final class Wire {
    static final int WINDOW = 256 << 10;
    private static final byte[] ZEROS = new byte[64 << 10];

    private final ByteChannel channel;
    private final String peer;
    private final ByteBuffer scratch = ByteBuffer.allocate(64);

    Wire(ByteChannel channel, String peer) {
        this.channel = channel;
        this.peer = peer;
    }

    /** Reads exactly {@code dst.remaining()} bytes; the server closing the connection first is an error. */
    void readFully(ByteBuffer dst) throws IOException {
        int end = dst.limit();
        try {
            while (dst.position() < end) {
                if (!dst.isDirect()) {
                    dst.limit(Math.min(end, dst.position() + WINDOW));
                }
                if (channel.read(dst) < 0) {
                    throw new EOFException("NBD peer " + peer + " closed the connection in the middle of a message");
                }
                dst.limit(end);
            }
        } finally {
            dst.limit(end);
        }
    }

    void writeFully(ByteBuffer src) throws IOException {
        int end = src.limit();
        try {
            while (src.position() < end) {
                if (!src.isDirect()) {
                    src.limit(Math.min(end, src.position() + WINDOW));
                }
                channel.write(src);
                src.limit(end);
            }
        } finally {
            src.limit(end);
        }
    }

    /** Reads {@code size} bytes into the reusable scratch buffer and returns it flipped for reading. */
    ByteBuffer read(int size) throws IOException {
        scratch.clear().limit(size);
        readFully(scratch);
        return scratch.flip();
    }

    int readInt() throws IOException {
        return read(4).getInt();
    }

    long readLong() throws IOException {
        return read(8).getLong();
    }

    int readUnsignedShort() throws IOException {
        return Short.toUnsignedInt(read(2).getShort());
    }

    /** Reads a message body of {@code length} bytes, refusing lengths no sane server sends. */
    byte[] readBytes(long length, String what) throws IOException {
        if (length < 0 || length > Protocol.MAX_STRING + 64) {
            throw new NbdProtocolException(peer, what + " has implausible length " + length);
        }
        byte[] bytes = new byte[(int) length];
        readFully(ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** Reads and drops {@code length} bytes. */
    void skip(long length) throws IOException {
        long left = length;
        ByteBuffer sink = ByteBuffer.allocate((int) Math.min(left, 64 << 10));
        while (left > 0) {
            sink.clear().limit((int) Math.min(left, sink.capacity()));
            readFully(sink);
            left -= sink.limit();
        }
    }

    /** Fills {@code dst}'s remaining bytes with zeros (a hole in a read reply). */
    static void zero(ByteBuffer dst) {
        while (dst.hasRemaining()) {
            dst.put(ZEROS, 0, Math.min(ZEROS.length, dst.remaining()));
        }
    }

    /** A read-only buffer of {@code length} zero bytes, {@code length <= 64 KiB}. */
    static ByteBuffer zeros(int length) {
        return ByteBuffer.wrap(ZEROS, 0, length).asReadOnlyBuffer();
    }

    static int zeroBufferSize() {
        return ZEROS.length;
    }

    String peer() {
        return peer;
    }
}

package coffer.virt.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static coffer.virt.nbd.Protocol.*;

/**
 * One NBD client connection to one export, past the handshake: read, write, write zeroes, flush and block
 * status, with requests split to the server's maximum size and unaligned reads widened to its minimum block.
 *
 * <p>Requests are written here; replies are parsed by {@link Replies}.
 *
 * <p>Thread-safety: internally locked. One request is in flight at a time; concurrent callers wait for the
 * connection. For parallel I/O open several connections ({@link NbdExportSource}, {@link NbdExportSink}).
 * {@link #close()} may be called from any thread at any time: it sends {@code NBD_CMD_DISC} when the
 * connection is idle and otherwise aborts the socket, which fails the request in flight.
 *
 * <p>After an {@link NbdException} (an error reply) the connection stays usable; after any other failure the
 * stream is in an unknown state, the connection is closed and every later call fails ({@link #usable()}).
 */
public final class NbdConnection implements Closeable {
    /** Largest write-zeroes request: the field is 32 bits wide; 1 GiB keeps it well clear of that. */
    private static final long MAX_ZERO_REQUEST = 1L << 30;
    /** Largest block status request: 32-bit length. */
    private static final long MAX_STATUS_REQUEST = 0xFFFF_FFFFL;

    private final NbdExport export;
    private final SocketChannel channel;
    private final Wire wire;
    private final Replies replies;
    private final Handshake.Negotiated negotiated;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private long nextCookie = 1; // guarded by lock
    private volatile IOException broken;

    private NbdConnection(NbdExport export, SocketChannel channel, Wire wire, Handshake.Negotiated negotiated) {
        this.export = export;
        this.channel = channel;
        this.wire = wire;
        this.negotiated = negotiated;
        this.replies = new Replies(wire, export.toString(), negotiated.structuredReplies());
    }

    /** Connects and negotiates structured replies and {@code base:allocation}. */
    public static NbdConnection open(NbdExport export) throws IOException {
        return open(export, List.of(MetaContext.BASE_ALLOCATION));
    }

    /**
     * Connects and negotiates structured replies and as many of {@code metaContexts} as the server has (see
     * {@link #metaContexts()}); a server without structured replies gets none and answers with simple replies.
     */
    public static NbdConnection open(NbdExport export, Collection<String> metaContexts) throws IOException {
        SocketChannel channel = export.connect();
        try {
            Wire wire = new Wire(channel, export.toString());
            return new NbdConnection(export, channel, wire, Handshake.run(wire, export, metaContexts));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public NbdExport export() {
        return export;
    }

    /** The export's size in bytes. */
    public long size() {
        return negotiated.size();
    }

    public BlockSize blockSize() {
        return negotiated.blockSize();
    }

    public boolean structuredReplies() {
        return negotiated.structuredReplies();
    }

    /** The meta contexts the server agreed to; block status works for exactly these. */
    public Set<String> metaContexts() {
        return negotiated.contexts().keySet();
    }

    public boolean readOnly() {
        return flag(FLAG_READ_ONLY);
    }

    public boolean canFlush() {
        return flag(FLAG_SEND_FLUSH);
    }

    public boolean canWriteZeroes() {
        return flag(FLAG_SEND_WRITE_ZEROES);
    }

    /** Whether a flush on one connection covers writes completed on every connection to the export. */
    public boolean canMultiConn() {
        return flag(FLAG_CAN_MULTI_CONN);
    }

    /** False once closed or broken by a failure that left the stream in an unknown state. */
    public boolean usable() {
        return !closed.get() && broken == null;
    }

    private boolean flag(int flag) {
        return (negotiated.transmissionFlags() & flag) != 0;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst} and advances its position to its
     * limit. The server checks the range: reading past the end is an {@link NbdException} (usually EINVAL).
     */
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        int base = dst.position();
        long end = offset + dst.remaining();
        BlockSize sizes = blockSize();
        exclusive(() -> {
            long pos = offset;
            while (pos < end) {
                long alignedStart = sizes.alignDown(pos);
                long pieceEnd = Math.min(end, alignedStart + sizes.maximum());
                long alignedEnd = sizes.alignUp(pieceEnd);
                ByteBuffer target = dst.slice(base + (int) (pos - offset), (int) (pieceEnd - pos));
                if (alignedStart == pos && alignedEnd == pieceEnd) {
                    readPiece(pos, target);
                } else {
                    ByteBuffer widened = ByteBuffer.allocate((int) (alignedEnd - alignedStart));
                    readPiece(alignedStart, widened);
                    target.put(widened.slice((int) (pos - alignedStart), (int) (pieceEnd - pos)));
                }
                pos = pieceEnd;
            }
            return null;
        });
        dst.position(dst.limit());
    }

    /**
     * Writes all of {@code src} at {@code offset} and advances its position to its limit. Offset and length
     * must be multiples of {@link BlockSize#minimum()}.
     */
    public void write(long offset, ByteBuffer src) throws IOException {
        checkRange(offset, src.remaining());
        checkAligned("write", offset, src.remaining());
        int base = src.position();
        int length = src.remaining();
        int max = blockSize().maximum();
        exclusive(() -> {
            for (int done = 0; done < length; ) {
                int n = Math.min(max, length - done);
                long at = offset + done;
                long cookie = send(CMD_WRITE, at, n, src.slice(base + done, n));
                replies.receive(cookie, CMD_WRITE, at, n, null, null);
                done += n;
            }
            return null;
        });
        src.position(src.limit());
    }

    /**
     * Makes {@code [offset, offset+length)} read as zeros. Uses {@code NBD_CMD_WRITE_ZEROES} without
     * {@code NBD_CMD_FLAG_NO_HOLE}, so the server punches holes where it can; a server without write zeroes
     * gets ordinary writes of zeros. Offset and length must be multiples of {@link BlockSize#minimum()}.
     */
    public void writeZeroes(long offset, long length) throws IOException {
        checkRange(offset, length);
        checkAligned("write zeroes", offset, length);
        if (!canWriteZeroes()) {
            int piece = Math.min(blockSize().maximum(), Wire.zeroBufferSize());
            for (long done = 0; done < length; done += piece) {
                write(offset + done, Wire.zeros((int) Math.min(piece, length - done)));
            }
            return;
        }
        long max = blockSize().alignDown(MAX_ZERO_REQUEST);
        exclusive(() -> {
            for (long done = 0; done < length; ) {
                long n = Math.min(max, length - done);
                long at = offset + done;
                long cookie = send(CMD_WRITE_ZEROES, at, n, null);
                replies.receive(cookie, CMD_WRITE_ZEROES, at, n, null, null);
                done += n;
            }
            return null;
        });
    }

    /** Makes completed writes durable; a no-op when the server does not offer flush (nothing to flush). */
    public void flush() throws IOException {
        if (!canFlush()) {
            return;
        }
        exclusive(() -> {
            long cookie = send(CMD_FLUSH, 0, 0, null);
            replies.receive(cookie, CMD_FLUSH, 0, 0, null, null);
            return null;
        });
    }

    /**
     * The extents of meta context {@code context} covering exactly {@code [offset, offset+length)}, ascending,
     * contiguous, with adjacent equal flags merged. Servers may describe less than asked; this asks again from
     * where the answer ended until the range is covered.
     *
     * @throws NbdNegotiationException when the server did not agree to {@code context}
     */
    public List<BlockStatusExtent> blockStatus(String context, long offset, long length) throws IOException {
        Integer id = negotiated.contexts().get(context);
        if (id == null) {
            throw new NbdNegotiationException("NBD export " + export + " has no meta context " + context
                    + " (negotiated: " + metaContexts() + ")");
        }
        checkRange(offset, length);
        if (offset + length > size()) {
            throw new IllegalArgumentException("block status range [" + offset + ", " + (offset + length)
                    + ") ends past the export size " + size() + " of " + export);
        }
        long end = offset + length;
        BlockSize sizes = blockSize();
        return exclusive(() -> {
            Extents.Builder result = new Extents.Builder(offset, end);
            long pos = offset;
            while (pos < end) {
                long start = sizes.alignDown(pos);
                long requestEnd = Math.min(Math.min(sizes.alignUp(end), size()),
                        start + sizes.alignDown(MAX_STATUS_REQUEST));
                List<BlockStatusExtent> got = blockStatusOnce(id, start, requestEnd - start);
                long covered = Math.min(got.getLast().end(), requestEnd);
                if (covered <= pos) {
                    throw new NbdProtocolException(export.toString(), "block status for [" + start + ", "
                            + requestEnd + ") made no progress past " + pos);
                }
                got.forEach(result::add);
                pos = covered;
            }
            return result.build();
        });
    }

    /** Sends {@code NBD_CMD_DISC} if idle, then closes the socket. Idempotent; callable from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (lock.tryLock()) {
            try {
                if (broken == null) {
                    wire.writeFully(request(0, CMD_DISC, nextCookie++, 0, 0));
                }
            } catch (IOException ignored) {
                // The server went away first; closing is all that is left.
            } finally {
                lock.unlock();
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing buffered to lose: every write was acknowledged or failed already.
        }
    }

    @Override
    public String toString() {
        return "NbdConnection[" + export + "]";
    }

    /** Encodes a request header; package-private for tests. */
    static ByteBuffer request(int flags, int command, long cookie, long offset, long length) {
        return ByteBuffer.allocate(REQUEST_HEADER_SIZE)
                .putInt(REQUEST_MAGIC)
                .putShort((short) flags)
                .putShort((short) command)
                .putLong(cookie)
                .putLong(offset)
                .putInt((int) length)
                .flip();
    }

    private void readPiece(long offset, ByteBuffer target) throws IOException {
        int length = target.remaining();
        long cookie = send(CMD_READ, offset, length, null);
        replies.receive(cookie, CMD_READ, offset, length, target, null);
    }

    private List<BlockStatusExtent> blockStatusOnce(int contextId, long offset, long length) throws IOException {
        long cookie = send(CMD_BLOCK_STATUS, offset, length, null);
        return replies.blockStatus(cookie, contextId, offset, length);
    }

    private long send(int command, long offset, long length, ByteBuffer payload) throws IOException {
        long cookie = nextCookie++;
        wire.writeFully(request(0, command, cookie, offset, length));
        if (payload != null) {
            wire.writeFully(payload);
        }
        return cookie;
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad range offset=" + offset + " length=" + length);
        }
    }

    private void checkAligned(String what, long offset, long length) {
        BlockSize sizes = blockSize();
        if (!sizes.aligned(offset) || !sizes.aligned(length)) {
            throw new IllegalArgumentException(what + " at offset=" + offset + " length=" + length + " is not "
                    + "aligned to the minimum block size " + sizes.minimum() + " of " + export);
        }
    }

    private interface Exchange<T> {
        T run() throws IOException;
    }

    /**
     * Runs one exchange holding the lock. Any failure other than an error reply leaves the stream in an unknown
     * state, so it closes the connection.
     */
    private <T> T exclusive(Exchange<T> exchange) throws IOException {
        lock.lock();
        try {
            if (closed.get()) {
                throw closedException();
            }
            if (broken != null) {
                throw new IOException("NBD connection to " + export + " failed earlier", broken);
            }
            try {
                return exchange.run();
            } catch (NbdException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                broken = e instanceof IOException io ? io : new IOException(e);
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Already failing.
                }
                if (closed.get() && e instanceof ClosedChannelException) {
                    throw closedException();
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private IOException closedException() {
        ClosedChannelException closedChannel = new ClosedChannelException();
        return new IOException("NBD connection to " + export + " is closed", closedChannel);
    }
}

package coffer.virt.nbd;

import coffer.vault.io.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

import static coffer.virt.nbd.Protocol.*;

/**
 * One client of an {@link NbdServer}: the handshake, then the transmission phase of a read-only export.
 *
 * <p>Requests are read on the connection's thread; reads and block status run on virtual threads, up to
 * {@value #IN_FLIGHT} at once (a client such as QEMU keeps many requests in flight on one connection), and
 * their replies are written whole or chunk by chunk under one lock, each chunk carrying its request's cookie.
 * A read is answered with structured data and hole chunks of at most {@value #PIECE} bytes each, so a
 * 32 MiB request holds one piece of memory, not 32 MiB. Writes, trims and write zeroes get {@code EPERM}.
 * A read the source cannot serve (damaged data) gets {@code EIO} with a fixed message that names nothing of
 * the vault; the server's log gets the full error.
 *
 * <p>Thread-safety: one instance per connection; {@link #close()} may be called from any thread.
 */
final class ServerConnection implements Runnable {
    static final int IN_FLIGHT = 8;
    static final int PIECE = 1 << 20;
    private static final int EPERM = 1;
    private static final int EIO = 5;
    private static final int EINVAL = 22;
    private static final int ENOTSUP = 95;
    /** Block status descriptors per reply at most; a client asks again from where the answer ended. */
    private static final int MAX_EXTENTS = 1 << 16;
    /** The longest write this read-only server still reads past (to answer EPERM) instead of hanging up. */
    private static final long MAX_WRITE_PAYLOAD = NbdServer.MAX_REQUEST;
    private static final String READ_FAILED = "the backup's data at this offset cannot be read; see the Coffer log";

    private final NbdServer server;
    private final SocketChannel channel;
    private final Wire wire;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

    ServerConnection(NbdServer server, SocketChannel channel, String peer) {
        this.server = server;
        this.channel = channel;
        this.wire = new Wire(channel, peer);
    }

    @Override
    public void run() {
        try {
            ServerHandshake.Agreed agreed = ServerHandshake.run(wire, server.table());
            if (agreed != null) {
                transmit(agreed);
            }
        } catch (IOException e) {
            if (channel.isOpen()) {
                server.log().log(System.Logger.Level.DEBUG, () -> "NBD client " + wire.peer() + " dropped: " + e);
            }
        } finally {
            close();
            server.ended(this);
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing buffered that matters: every reply was written or the client is gone
        }
    }

    private void transmit(ServerHandshake.Agreed agreed) throws IOException {
        Served served = new Served(agreed.export(), agreed.structured(), agreed.baseAllocation());
        try {
            while (true) {
                ByteBuffer header = wire.read(REQUEST_HEADER_SIZE);
                int magic = header.getInt();
                int flags = Short.toUnsignedInt(header.getShort());
                int command = Short.toUnsignedInt(header.getShort());
                long cookie = header.getLong();
                long offset = header.getLong();
                long length = Integer.toUnsignedLong(header.getInt());
                if (magic != REQUEST_MAGIC) {
                    throw new NbdProtocolException(wire.peer(), "bad request magic 0x" + Integer.toHexString(magic));
                }
                switch (command) {
                    case CMD_DISC -> {
                        return;
                    }
                    case CMD_READ -> dispatch(() -> served.read(cookie, offset, length));
                    case CMD_BLOCK_STATUS -> dispatch(() -> served.blockStatus(cookie, flags, offset, length));
                    case CMD_WRITE -> {
                        if (length > MAX_WRITE_PAYLOAD) {
                            throw new NbdProtocolException(wire.peer(), "write of " + length + " bytes");
                        }
                        wire.skip(length);
                        simple(cookie, EPERM);
                    }
                    case CMD_TRIM, CMD_WRITE_ZEROES -> simple(cookie, EPERM);
                    case CMD_FLUSH, CMD_CACHE -> simple(cookie, 0); // nothing to flush; the cache fills on read
                    default -> simple(cookie, EINVAL);
                }
            }
        } finally {
            inFlight.acquireUninterruptibly(IN_FLIGHT); // every dispatched reply written before the socket closes
        }
    }

    private interface Work {
        void run() throws IOException;
    }

    private void dispatch(Work work) {
        inFlight.acquireUninterruptibly();
        Thread.ofVirtual().name("nbd-request").start(() -> {
            try {
                work.run();
            } catch (IOException e) {
                close(); // the reply could not be written: the client is gone or the stream is broken
            } finally {
                inFlight.release();
            }
        });
    }

    private void simple(long cookie, int error) throws IOException {
        writeLock.lock();
        try {
            wire.writeFully(ByteBuffer.allocate(16).putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie).flip());
        } finally {
            writeLock.unlock();
        }
    }

    /** One structured reply chunk: header and payload written together under the lock. */
    private void chunk(long cookie, boolean done, int type, ByteBuffer head, ByteBuffer data) throws IOException {
        int length = head.remaining() + (data == null ? 0 : data.remaining());
        ByteBuffer header = ByteBuffer.allocate(20 + head.remaining()).putInt(STRUCTURED_REPLY_MAGIC)
                .putShort((short) (done ? REPLY_FLAG_DONE : 0)).putShort((short) type).putLong(cookie).putInt(length)
                .put(head).flip();
        writeLock.lock();
        try {
            wire.writeFully(header);
            if (data != null) {
                wire.writeFully(data);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void errorChunk(long cookie, int error, String message) throws IOException {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        chunk(cookie, true, REPLY_TYPE_ERROR, ByteBuffer.allocate(6 + text.length).putInt(error)
                .putShort((short) text.length).put(text).flip(), null);
    }

    /** The requests of the chosen export. Stateless beyond the connection; its methods run concurrently. */
    private final class Served {
        private final NbdServer.Export export;
        private final boolean structured;
        private final boolean baseAllocation;

        Served(NbdServer.Export export, boolean structured, boolean baseAllocation) {
            this.export = export;
            this.structured = structured;
            this.baseAllocation = baseAllocation;
        }

        private int check(long offset, long length) {
            long size = export.source().size();
            if (length == 0 || length > NbdServer.MAX_REQUEST || offset < 0 || offset > size - length) {
                return EINVAL;
            }
            return 0;
        }

        void read(long cookie, long offset, long length) throws IOException {
            int invalid = check(offset, length);
            if (invalid != 0) {
                reject(cookie, invalid, "read of " + length + " bytes at " + offset + " is outside the export or too long");
                return;
            }
            if (!structured) {
                readSimple(cookie, offset, (int) length);
                return;
            }
            List<Extent> pieces;
            try {
                pieces = pieces(offset, length);
            } catch (IOException e) {
                failed(cookie, offset, length, e);
                return;
            }
            long at = offset;
            int i = 0;
            for (Extent data : pieces) {
                boolean last = i++ == pieces.size() - 1;
                if (data.offset() > at) {
                    chunk(cookie, false, REPLY_TYPE_OFFSET_HOLE,
                            ByteBuffer.allocate(12).putLong(at).putInt((int) (data.offset() - at)).flip(), null);
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) data.length());
                try {
                    export.source().read(data.offset(), buffer);
                } catch (IOException | RuntimeException e) {
                    failed(cookie, data.offset(), data.length(), e);
                    return;
                }
                boolean done = last && data.end() == offset + length;
                chunk(cookie, done, REPLY_TYPE_OFFSET_DATA, ByteBuffer.allocate(8).putLong(data.offset()).flip(),
                        buffer.flip());
                at = data.end();
            }
            if (at < offset + length) {
                chunk(cookie, true, REPLY_TYPE_OFFSET_HOLE,
                        ByteBuffer.allocate(12).putLong(at).putInt((int) (offset + length - at)).flip(), null);
            }
        }

        /** The data extents of a read, cut into pieces of at most {@link #PIECE} bytes. */
        private List<Extent> pieces(long offset, long length) throws IOException {
            List<Extent> pieces = new ArrayList<>();
            for (Extent extent : export.source().dataExtents(offset, length)) {
                for (long at = extent.offset(); at < extent.end(); at += PIECE) {
                    pieces.add(new Extent(at, Math.min(PIECE, extent.end() - at)));
                }
            }
            return pieces;
        }

        private void readSimple(long cookie, long offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            try {
                export.source().read(offset, buffer);
            } catch (IOException | RuntimeException e) {
                failed(cookie, offset, length, e);
                return;
            }
            writeLock.lock();
            try {
                wire.writeFully(ByteBuffer.allocate(16).putInt(SIMPLE_REPLY_MAGIC).putInt(0).putLong(cookie).flip());
                wire.writeFully(buffer.flip());
            } finally {
                writeLock.unlock();
            }
        }

        void blockStatus(long cookie, int flags, long offset, long length) throws IOException {
            if (!structured || !baseAllocation) {
                reject(cookie, EINVAL, "no meta context was negotiated for block status");
                return;
            }
            long size = export.source().size();
            if (length == 0 || offset < 0 || offset >= size) {
                reject(cookie, EINVAL, "block status at " + offset + " is outside the export");
                return;
            }
            long end = Math.min(size, offset + length);
            List<Extent> data;
            try {
                data = export.source().dataExtents(offset, end - offset);
            } catch (IOException | RuntimeException e) {
                failed(cookie, offset, end - offset, e);
                return;
            }
            boolean one = (flags & CMD_FLAG_REQ_ONE) != 0;
            Descriptors descriptors = new Descriptors(one ? 1 : MAX_EXTENTS);
            long at = offset;
            for (Extent extent : data) {
                descriptors.add(extent.offset() - at, MetaContext.STATE_HOLE | MetaContext.STATE_ZERO);
                descriptors.add(extent.length(), 0);
                at = extent.end();
            }
            descriptors.add(end - at, MetaContext.STATE_HOLE | MetaContext.STATE_ZERO);
            chunk(cookie, true, REPLY_TYPE_BLOCK_STATUS, descriptors.encode(), null);
        }

        private void reject(long cookie, int error, String message) throws IOException {
            if (structured) {
                errorChunk(cookie, error, message);
            } else {
                simple(cookie, error);
            }
        }

        /** A read the source failed: logged in full here, answered with EIO and a message naming nothing. */
        private void failed(long cookie, long offset, long length, Exception e) throws IOException {
            server.log().log(System.Logger.Level.ERROR, "NBD export '" + export.name() + "' (" + export.source().describe()
                    + "): read of " + length + " bytes at offset " + offset + " failed, answered EIO: " + e.getMessage(), e);
            server.readFailed();
            reject(cookie, EIO, READ_FAILED);
        }
    }

    /** Block status descriptors: adjacent equal flags merged, at most {@code limit}, lengths within 32 bits. */
    static final class Descriptors {
        private final int limit;
        private final List<long[]> list = new ArrayList<>();
        private boolean full;

        Descriptors(int limit) {
            this.limit = limit;
        }

        /** Adds the next extent; once one is left out (the limit reached), every later one is too. */
        void add(long length, int flags) {
            if (length <= 0 || full) {
                return;
            }
            long[] last = list.isEmpty() ? null : list.getLast();
            if (last != null && last[1] == flags && last[0] + length <= 0xFFFF_FFFFL) {
                last[0] += length;
            } else if (list.size() < limit) {
                list.add(new long[] {Math.min(length, 0xFFFF_FFFFL), flags});
            } else {
                full = true; // the reply ends here: a later extent merged onto the last would misdescribe this one
            }
        }

        ByteBuffer encode() {
            ByteBuffer body = ByteBuffer.allocate(4 + 8 * list.size()).putInt(ServerHandshake.BASE_ALLOCATION_ID);
            for (long[] d : list) {
                body.putInt((int) d[0]).putInt((int) d[1]);
            }
            return body.flip();
        }
    }
}

package coffer.virt.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static coffer.virt.nbd.Protocol.*;

/**
 * Reads the reply to one request: a simple reply, or structured reply chunks (data, hole, block status, error)
 * up to the chunk flagged done, checking each against the request it answers.
 *
 * <p>Not thread-safe: used by one {@link NbdConnection} under its lock.
 */
final class Replies {
    private final Wire wire;
    private final String peer;
    private final boolean structured;

    Replies(Wire wire, String peer, boolean structured) {
        this.wire = wire;
        this.peer = peer;
        this.structured = structured;
    }

    /** The extents of context {@code contextId} in the reply to a block status request. */
    List<BlockStatusExtent> blockStatus(long cookie, int contextId, long offset, long length) throws IOException {
        StatusChunk status = new StatusChunk(contextId, offset);
        receive(cookie, CMD_BLOCK_STATUS, offset, length, null, status);
        if (status.extents == null) {
            throw violation("block status reply without extents for context " + contextId + " at offset "
                    + offset);
        }
        return status.extents;
    }

    /**
     * Reads the reply to {@code cookie}: one simple reply, or structured chunks up to the one flagged done.
     * Read data lands in {@code readTarget} (which starts at {@code offset}); block status goes to
     * {@code status}. An error reply is thrown after the whole reply is consumed.
     */
    void receive(long cookie, int command, long offset, long length, ByteBuffer readTarget,
                 StatusChunk status) throws IOException {
        int error = 0;
        String message = "";
        long covered = 0;
        while (true) {
            int magic = wire.readInt();
            if (magic == SIMPLE_REPLY_MAGIC) {
                ByteBuffer header = wire.read(12);
                int simpleError = header.getInt();
                expectCookie(header.getLong(), cookie, command);
                if (simpleError != 0) {
                    throw new NbdException(peer, command, offset, length, simpleError, "");
                }
                if (command == CMD_BLOCK_STATUS) {
                    throw violation("simple reply to NBD_CMD_BLOCK_STATUS");
                }
                if (readTarget != null) {
                    wire.readFully(readTarget.duplicate());
                }
                return;
            }
            if (magic != STRUCTURED_REPLY_MAGIC || !structured) {
                throw violation("bad reply magic 0x" + Integer.toHexString(magic) + " to "
                        + Protocol.commandName(command));
            }
            ByteBuffer header = wire.read(16);
            int flags = Short.toUnsignedInt(header.getShort());
            int type = Short.toUnsignedInt(header.getShort());
            expectCookie(header.getLong(), cookie, command);
            long chunkLength = Integer.toUnsignedLong(header.getInt());
            switch (type) {
                case REPLY_TYPE_NONE -> {
                    if (chunkLength != 0) {
                        throw violation("NBD_REPLY_TYPE_NONE with length " + chunkLength);
                    }
                }
                case REPLY_TYPE_OFFSET_DATA -> {
                    if (readTarget == null || chunkLength < 8) {
                        throw violation("unexpected data chunk (length " + chunkLength + ") to "
                                + Protocol.commandName(command));
                    }
                    long at = wire.readLong();
                    long n = chunkLength - 8;
                    wire.readFully(within(readTarget, offset, length, at, n));
                    covered += n;
                }
                case REPLY_TYPE_OFFSET_HOLE -> {
                    if (readTarget == null || chunkLength != 12) {
                        throw violation("unexpected hole chunk (length " + chunkLength + ") to "
                                + Protocol.commandName(command));
                    }
                    long at = wire.readLong();
                    long n = Integer.toUnsignedLong(wire.readInt());
                    Wire.zero(within(readTarget, offset, length, at, n));
                    covered += n;
                }
                case REPLY_TYPE_BLOCK_STATUS -> {
                    if (status == null || chunkLength < 12 || (chunkLength - 4) % 8 != 0
                            || chunkLength > (64L << 20)) {
                        throw violation("unexpected block status chunk (length " + chunkLength + ") to "
                                + Protocol.commandName(command));
                    }
                    ByteBuffer body = ByteBuffer.allocate((int) chunkLength);
                    wire.readFully(body);
                    status.accept(body.flip());
                }
                default -> {
                    if ((type & REPLY_TYPE_ERR_BIT) == 0) {
                        throw violation("unknown structured reply type " + type);
                    }
                    if (chunkLength < 6) {
                        throw violation("error chunk of length " + chunkLength);
                    }
                    int chunkError = wire.readInt();
                    int messageLength = wire.readUnsignedShort();
                    if (6L + messageLength > chunkLength) {
                        throw violation("error message longer than its chunk");
                    }
                    String chunkMessage = new String(wire.readBytes(messageLength, "error message"),
                            StandardCharsets.UTF_8);
                    wire.skip(chunkLength - 6 - messageLength); // ERROR_OFFSET's offset, future fields
                    if (error == 0) {
                        error = chunkError != 0 ? chunkError : 5; // a zero error number is a server bug: EIO
                        message = chunkMessage;
                    }
                }
            }
            if ((flags & REPLY_FLAG_DONE) != 0) {
                break;
            }
        }
        if (error != 0) {
            throw new NbdException(peer, command, offset, length, error, message);
        }
        if (readTarget != null && covered != length) {
            throw violation("read reply covered " + covered + " of " + length + " bytes at offset " + offset);
        }
    }

    /** The part of the read target that a chunk for {@code [at, at+n)} fills, refusing chunks outside it. */
    private ByteBuffer within(ByteBuffer target, long offset, long length, long at, long n)
            throws NbdProtocolException {
        if (at < offset || n < 0 || at + n > offset + length) {
            throw violation("chunk [" + at + ", " + (at + n) + ") outside the request [" + offset + ", "
                    + (offset + length) + ")");
        }
        return target.slice(target.position() + (int) (at - offset), (int) n);
    }

    private void expectCookie(long got, long expected, int command) throws NbdProtocolException {
        if (got != expected) {
            throw violation("reply for request " + got + " while waiting for " + expected + " ("
                    + Protocol.commandName(command) + ")");
        }
    }

    private NbdProtocolException violation(String what) {
        return new NbdProtocolException(peer, what);
    }

    /** Collects the extents of one context from block status chunks. Not thread-safe. */
    private final class StatusChunk {
        private final int contextId;
        private final long offset;
        List<BlockStatusExtent> extents;

        StatusChunk(int contextId, long offset) {
            this.contextId = contextId;
            this.offset = offset;
        }

        void accept(ByteBuffer body) throws NbdProtocolException {
            int id = body.getInt();
            if (id != contextId) {
                return; // another negotiated context, answered alongside
            }
            if (extents != null) {
                throw violation("two block status chunks for context " + id);
            }
            List<BlockStatusExtent> list = new ArrayList<>(body.remaining() / 8);
            long at = offset;
            while (body.hasRemaining()) {
                long length = Integer.toUnsignedLong(body.getInt());
                int flags = body.getInt();
                if (length == 0) {
                    throw violation("block status extent of length 0 at " + at);
                }
                list.add(new BlockStatusExtent(at, length, flags));
                at += length;
            }
            extents = list;
        }
    }
}

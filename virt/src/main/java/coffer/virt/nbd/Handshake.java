package coffer.virt.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static coffer.virt.nbd.Protocol.*;

/**
 * The fixed newstyle handshake: structured replies, then meta contexts, then {@code NBD_OPT_GO} asking for
 * block size constraints, falling back to {@code NBD_OPT_EXPORT_NAME} for servers without {@code GO}.
 *
 * <p>Not thread-safe: runs once on a fresh connection before anyone else can see it.
 */
final class Handshake {
    /** What the handshake agreed on. */
    record Negotiated(long size, int transmissionFlags, boolean structuredReplies, Map<String, Integer> contexts,
                      BlockSize blockSize) {
    }

    private final Wire wire;
    private final String exportName;
    private final String where;

    private Handshake(Wire wire, String exportName, String where) {
        this.wire = wire;
        this.exportName = exportName;
        this.where = where;
    }

    static Negotiated run(Wire wire, NbdExport export, Collection<String> wantedContexts) throws IOException {
        return new Handshake(wire, export.name(), export.toString()).run(wantedContexts);
    }

    private Negotiated run(Collection<String> wantedContexts) throws IOException {
        boolean noZeroes = greet();
        boolean structured = structuredReplies();
        Map<String, Integer> contexts = structured && !wantedContexts.isEmpty()
                ? setMetaContexts(wantedContexts) : Map.of();
        Negotiated go = go(structured, contexts);
        return go != null ? go : exportName(noZeroes, structured, contexts);
    }

    /** Checks the server's greeting and answers with the client flags; returns whether NO_ZEROES is on. */
    private boolean greet() throws IOException {
        long magic = wire.readLong();
        if (magic != NBDMAGIC) {
            throw new NbdProtocolException(where, "not an NBD server (greeting 0x" + Long.toHexString(magic) + ")");
        }
        long style = wire.readLong();
        if (style == OLDSTYLE_MAGIC) {
            throw new NbdProtocolException(where, "oldstyle negotiation is not supported, only fixed newstyle");
        }
        if (style != IHAVEOPT) {
            throw new NbdProtocolException(where, "unknown negotiation magic 0x" + Long.toHexString(style));
        }
        int serverFlags = wire.readUnsignedShort();
        if ((serverFlags & FLAG_FIXED_NEWSTYLE) == 0) {
            throw new NbdProtocolException(where, "server does not offer fixed newstyle negotiation");
        }
        boolean noZeroes = (serverFlags & FLAG_NO_ZEROES) != 0;
        wire.writeFully(ByteBuffer.allocate(4)
                .putInt(FLAG_C_FIXED_NEWSTYLE | (noZeroes ? FLAG_C_NO_ZEROES : 0)).flip());
        return noZeroes;
    }

    private boolean structuredReplies() throws IOException {
        sendOption(OPT_STRUCTURED_REPLY, ByteBuffer.allocate(0));
        OptionReply reply = readReply(OPT_STRUCTURED_REPLY);
        if (reply.type() == REP_ACK) {
            return true;
        }
        refuseFatal(OPT_STRUCTURED_REPLY, reply);
        return false;
    }

    private Map<String, Integer> setMetaContexts(Collection<String> wanted) throws IOException {
        sendOption(OPT_SET_META_CONTEXT, Messages.setMetaContext(exportName, wanted));
        Map<String, Integer> contexts = new LinkedHashMap<>();
        while (true) {
            OptionReply reply = readReply(OPT_SET_META_CONTEXT);
            switch (reply.type()) {
                case REP_META_CONTEXT -> {
                    ByteBuffer data = reply.data();
                    if (data.remaining() < 4) {
                        throw new NbdProtocolException(where, "short NBD_REP_META_CONTEXT");
                    }
                    int id = data.getInt();
                    contexts.put(StandardCharsets.UTF_8.decode(data).toString(), id);
                }
                case REP_ACK -> {
                    return Map.copyOf(contexts);
                }
                default -> {
                    // Without contexts block status is unavailable; callers fall back. A bad export name is
                    // reported by NBD_OPT_GO with the server's own words.
                    refuseFatal(OPT_SET_META_CONTEXT, reply);
                    return Map.of();
                }
            }
        }
    }

    /** Returns null when the server does not know {@code NBD_OPT_GO}. */
    private Negotiated go(boolean structured, Map<String, Integer> contexts) throws IOException {
        sendOption(OPT_GO, Messages.go(exportName));
        long size = -1;
        int flags = 0;
        BlockSize blockSize = BlockSize.DEFAULT;
        while (true) {
            OptionReply reply = readReply(OPT_GO);
            if (reply.type() == REP_ACK) {
                if (size < 0) {
                    throw new NbdProtocolException(where, "NBD_OPT_GO acknowledged without NBD_INFO_EXPORT");
                }
                return new Negotiated(size, flags, structured, contexts, blockSize);
            }
            if (reply.type() == REP_ERR_UNSUP && size < 0) {
                return null;
            }
            if (reply.type() != REP_INFO) {
                throw new NbdNegotiationException(where, OPT_GO, reply.type(), reply.message());
            }
            ByteBuffer data = reply.data();
            if (data.remaining() < 2) {
                throw new NbdProtocolException(where, "short NBD_REP_INFO");
            }
            int info = Short.toUnsignedInt(data.getShort());
            if (info == INFO_EXPORT) {
                if (data.remaining() < 10) {
                    throw new NbdProtocolException(where, "short NBD_INFO_EXPORT");
                }
                size = data.getLong();
                flags = Short.toUnsignedInt(data.getShort());
                checkSize(size);
            } else if (info == INFO_BLOCK_SIZE) {
                if (data.remaining() < 12) {
                    throw new NbdProtocolException(where, "short NBD_INFO_BLOCK_SIZE");
                }
                blockSize = blockSize(data.getInt(), data.getInt(), data.getInt());
            }
            // Name, description and unknown infos are informational.
        }
    }

    private Negotiated exportName(boolean noZeroes, boolean structured, Map<String, Integer> contexts)
            throws IOException {
        byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
        sendOption(OPT_EXPORT_NAME, ByteBuffer.wrap(name));
        long size;
        int flags;
        try {
            size = wire.readLong();
            flags = wire.readUnsignedShort();
        } catch (EOFException e) {
            throw new NbdNegotiationException("NBD server " + where + " closed the connection on "
                    + "NBD_OPT_EXPORT_NAME; it has no such export or refuses this client (that option carries no"
                    + " error message)");
        }
        checkSize(size);
        if (!noZeroes) {
            wire.skip(124);
        }
        return new Negotiated(size, flags, structured, contexts, BlockSize.DEFAULT);
    }

    private BlockSize blockSize(int minimum, int preferred, int maximum) throws IOException {
        // A maximum above 32 MiB gains nothing; staying at or below it keeps every request qemu-sized.
        int max = maximum < 0 ? DEFAULT_MAX_REQUEST : Math.min(maximum, DEFAULT_MAX_REQUEST);
        max -= max % Math.max(minimum, 1);
        try {
            return new BlockSize(minimum, preferred, max);
        } catch (IllegalArgumentException e) {
            throw new NbdProtocolException(where, "NBD_INFO_BLOCK_SIZE: " + e.getMessage());
        }
    }

    private void checkSize(long size) throws IOException {
        if (size < 0) {
            throw new NbdProtocolException(where, "export size " + Long.toUnsignedString(size) + " too large");
        }
    }

    /** Errors that end the connection are thrown; the others mean "not supported" and return. */
    private void refuseFatal(int option, OptionReply reply) throws IOException {
        if ((reply.type() & REP_ERR_BIT) == 0) {
            throw new NbdProtocolException(where, "unexpected " + Protocol.replyName(reply.type()) + " to "
                    + Protocol.optionName(option));
        }
        if (reply.type() == REP_ERR_TLS_REQD || reply.type() == REP_ERR_SHUTDOWN) {
            throw new NbdNegotiationException(where, option, reply.type(), reply.message());
        }
    }

    private void sendOption(int option, ByteBuffer data) throws IOException {
        wire.writeFully(Messages.optionHeader(option, data.remaining()));
        wire.writeFully(data);
    }

    private record OptionReply(int type, ByteBuffer data) {
        String message() {
            return (type & REP_ERR_BIT) != 0 ? StandardCharsets.UTF_8.decode(data.duplicate()).toString() : "";
        }
    }

    private OptionReply readReply(int option) throws IOException {
        ByteBuffer header = wire.read(20);
        long magic = header.getLong();
        int echoed = header.getInt();
        int type = header.getInt();
        long length = Integer.toUnsignedLong(header.getInt());
        if (magic != OPTION_REPLY_MAGIC) {
            throw new NbdProtocolException(where, "bad option reply magic 0x" + Long.toHexString(magic));
        }
        if (echoed != option) {
            throw new NbdProtocolException(where, "reply to " + Protocol.optionName(echoed) + " while waiting for "
                    + Protocol.optionName(option));
        }
        return new OptionReply(type, ByteBuffer.wrap(wire.readBytes(length, Protocol.replyName(type))));
    }

    /** Encodes handshake messages; separate so tests can check the bytes. */
    static final class Messages {
        private Messages() {
        }

        static ByteBuffer optionHeader(int option, int length) {
            return ByteBuffer.allocate(16).putLong(IHAVEOPT).putInt(option).putInt(length).flip();
        }

        static ByteBuffer go(String exportName) {
            byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(4 + name.length + 2 + 2)
                    .putInt(name.length).put(name)
                    .putShort((short) 1).putShort((short) INFO_BLOCK_SIZE)
                    .flip();
        }

        static ByteBuffer setMetaContext(String exportName, Collection<String> queries) {
            byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
            List<byte[]> encoded = new ArrayList<>();
            int size = 4 + name.length + 4;
            for (String query : queries) {
                byte[] bytes = query.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > MAX_STRING) {
                    throw new IllegalArgumentException("meta context name too long: " + query);
                }
                encoded.add(bytes);
                size += 4 + bytes.length;
            }
            ByteBuffer buffer = ByteBuffer.allocate(size).putInt(name.length).put(name).putInt(encoded.size());
            for (byte[] bytes : encoded) {
                buffer.putInt(bytes.length).put(bytes);
            }
            return buffer.flip();
        }
    }
}

package coffer.virt.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static coffer.virt.nbd.Protocol.*;

/**
 * The server side of the fixed newstyle handshake: greeting, then options until {@code NBD_OPT_GO} or
 * {@code NBD_OPT_EXPORT_NAME} chooses an export (or the client aborts). Answers {@code NBD_OPT_LIST},
 * {@code NBD_OPT_INFO}, {@code NBD_OPT_STRUCTURED_REPLY} and {@code NBD_OPT_SET_META_CONTEXT} /
 * {@code NBD_OPT_LIST_META_CONTEXT} for {@code base:allocation}; TLS, extended headers and every other option
 * get {@code NBD_REP_ERR_UNSUP}. A client that breaks the protocol gets the connection closed.
 *
 * <p>Not thread-safe: runs once on a fresh connection, on its thread.
 */
final class ServerHandshake {
    /** The id this server gives {@code base:allocation}; ids are the server's choice. */
    static final int BASE_ALLOCATION_ID = 1;
    /** The longest option payload a client may send; real ones are a few hundred bytes. */
    private static final int MAX_OPTION = 64 << 10;

    /** What the client chose: the export, whether replies are structured, whether block status works. */
    record Agreed(NbdServer.Export export, boolean structured, boolean baseAllocation) {
    }

    private final Wire wire;
    private final NbdServer.Exports exports;
    private boolean structured;
    private String metaContextExport; // export the negotiated base:allocation belongs to, or null

    private ServerHandshake(Wire wire, NbdServer.Exports exports) {
        this.wire = wire;
        this.exports = exports;
    }

    /** Runs the handshake; null when the client aborted or asked for an export by a name that does not exist. */
    static Agreed run(Wire wire, NbdServer.Exports exports) throws IOException {
        return new ServerHandshake(wire, exports).run();
    }

    private Agreed run() throws IOException {
        wire.writeFully(ByteBuffer.allocate(18).putLong(NBDMAGIC).putLong(IHAVEOPT)
                .putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).flip());
        int clientFlags = wire.readInt();
        if ((clientFlags & FLAG_C_FIXED_NEWSTYLE) == 0 || (clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            throw new NbdProtocolException(wire.peer(), "client flags 0x" + Integer.toHexString(clientFlags)
                    + ": only fixed newstyle clients are served");
        }
        boolean noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            ByteBuffer header = wire.read(16);
            long magic = header.getLong();
            int option = header.getInt();
            long length = Integer.toUnsignedLong(header.getInt());
            if (magic != IHAVEOPT) {
                throw new NbdProtocolException(wire.peer(), "bad option magic 0x" + Long.toHexString(magic));
            }
            if (length > MAX_OPTION) {
                throw new NbdProtocolException(wire.peer(), Protocol.optionName(option) + " of " + length + " bytes");
            }
            ByteBuffer data = ByteBuffer.allocate((int) length);
            wire.readFully(data);
            data.flip();
            switch (option) {
                case OPT_EXPORT_NAME -> {
                    NbdServer.Export export = exports.find(string(data, data.remaining()));
                    if (export == null) {
                        return null; // this option has no error reply: the connection closes
                    }
                    ByteBuffer reply = ByteBuffer.allocate(noZeroes ? 10 : 134)
                            .putLong(export.source().size()).putShort((short) transmissionFlags());
                    wire.writeFully(reply.position(reply.capacity()).flip());
                    return new Agreed(export, structured, structured && export.name().equals(metaContextExport));
                }
                case OPT_ABORT -> {
                    reply(option, REP_ACK, ByteBuffer.allocate(0));
                    return null;
                }
                case OPT_LIST -> list(data);
                case OPT_STRUCTURED_REPLY -> {
                    if (data.hasRemaining()) {
                        error(option, REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY carries no data");
                    } else {
                        structured = true;
                        reply(option, REP_ACK, ByteBuffer.allocate(0));
                    }
                }
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, data);
                case OPT_INFO, OPT_GO -> {
                    NbdServer.Export export = info(option, data);
                    if (export != null && option == OPT_GO) {
                        return new Agreed(export, structured, structured && export.name().equals(metaContextExport));
                    }
                }
                default -> error(option, REP_ERR_UNSUP, Protocol.optionName(option) + " is not supported");
            }
        }
    }

    private static int transmissionFlags() {
        // Read-only, so any number of connections see the same data: multi-conn is safe.
        return FLAG_HAS_FLAGS | FLAG_READ_ONLY | FLAG_CAN_MULTI_CONN;
    }

    private void list(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            error(OPT_LIST, REP_ERR_INVALID, "NBD_OPT_LIST carries no data");
            return;
        }
        for (NbdServer.Export export : exports.all()) {
            byte[] name = export.name().getBytes(StandardCharsets.UTF_8);
            reply(OPT_LIST, REP_SERVER, ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).flip());
        }
        reply(OPT_LIST, REP_ACK, ByteBuffer.allocate(0));
    }

    /** {@code NBD_OPT_INFO} or {@code NBD_OPT_GO}: the export's size, flags and block sizes, or an error. */
    private NbdServer.Export info(int option, ByteBuffer data) throws IOException {
        String name = lengthPrefixed(data);
        if (name == null || data.remaining() < 2 || data.remaining() != 2 + 2 * Short.toUnsignedInt(data.getShort(data.position()))) {
            error(option, REP_ERR_INVALID, "malformed " + Protocol.optionName(option));
            return null;
        }
        NbdServer.Export export = exports.find(name);
        if (export == null) {
            error(option, REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return null;
        }
        // Informational requests (name, description) are optional for the server; size and block sizes always go.
        reply(option, REP_INFO, ByteBuffer.allocate(12).putShort((short) INFO_EXPORT)
                .putLong(export.source().size()).putShort((short) transmissionFlags()).flip());
        reply(option, REP_INFO, ByteBuffer.allocate(14).putShort((short) INFO_BLOCK_SIZE)
                .putInt(1).putInt(NbdServer.PREFERRED_BLOCK).putInt(NbdServer.MAX_REQUEST).flip());
        reply(option, REP_ACK, ByteBuffer.allocate(0));
        return export;
    }

    private void metaContext(int option, ByteBuffer data) throws IOException {
        String name = lengthPrefixed(data);
        List<String> queries = new ArrayList<>();
        if (name != null && data.remaining() >= 4) {
            int count = data.getInt();
            for (int i = 0; i < count && queries != null; i++) {
                String query = lengthPrefixed(data);
                if (query == null) {
                    queries = null;
                } else {
                    queries.add(query);
                }
            }
        } else {
            queries = null;
        }
        if (queries == null || data.hasRemaining()) {
            error(option, REP_ERR_INVALID, "malformed " + Protocol.optionName(option));
            return;
        }
        if (!structured) {
            error(option, REP_ERR_INVALID, "negotiate structured replies before meta contexts");
            return;
        }
        NbdServer.Export export = exports.find(name);
        if (export == null) {
            error(option, REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return;
        }
        boolean set = option == OPT_SET_META_CONTEXT;
        boolean selected = set
                ? queries.contains(MetaContext.BASE_ALLOCATION)
                : queries.isEmpty() || queries.contains(MetaContext.BASE_ALLOCATION) || queries.contains("base:");
        if (selected) {
            byte[] context = MetaContext.BASE_ALLOCATION.getBytes(StandardCharsets.UTF_8);
            reply(option, REP_META_CONTEXT, ByteBuffer.allocate(4 + context.length)
                    .putInt(set ? BASE_ALLOCATION_ID : 0).put(context).flip());
        }
        if (set) {
            metaContextExport = selected ? export.name() : null;
        }
        reply(option, REP_ACK, ByteBuffer.allocate(0));
    }

    /** A {@code u32 length, bytes} string, or null when it does not fit the remaining data. */
    private static String lengthPrefixed(ByteBuffer data) {
        if (data.remaining() < 4) {
            return null;
        }
        long length = Integer.toUnsignedLong(data.getInt());
        if (length > Math.min(data.remaining(), MAX_STRING)) {
            return null;
        }
        return string(data, (int) length);
    }

    private static String string(ByteBuffer data, int length) {
        byte[] bytes = new byte[length];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void error(int option, int type, String message) throws IOException {
        reply(option, type, StandardCharsets.UTF_8.encode(message));
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        wire.writeFully(ByteBuffer.allocate(20).putLong(OPTION_REPLY_MAGIC).putInt(option).putInt(type)
                .putInt(data.remaining()).flip());
        wire.writeFully(data);
    }
}

package coffer.virt.nbd;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A disk read over NBD with several connections, so the vault's parallel chunk reads run in parallel on the
 * server too: each call borrows a free connection.
 *
 * <p>{@link #dataExtents} uses {@code base:allocation} (ranges flagged hole or zero hold no data) and reports
 * the whole range as data when the server has no such context. {@link #dirtyExtents} reads a
 * {@code qemu:dirty-bitmap:NAME} context for incremental backups.
 *
 * <p>Thread-safe, as {@link BlockSource} requires. {@link #close()} disconnects every connection and fails
 * calls in flight.
 */
public final class NbdExportSource implements BlockSource {
    /** Connections opened when the caller does not say. */
    public static final int DEFAULT_CONNECTIONS = 4;

    private final ConnectionPool pool;

    private NbdExportSource(ConnectionPool pool) {
        this.pool = pool;
    }

    /** {@link #DEFAULT_CONNECTIONS} connections asking for {@code base:allocation} only. */
    public static NbdExportSource open(NbdExport export) throws IOException {
        return open(export, DEFAULT_CONNECTIONS, List.of());
    }

    /**
     * Up to {@code connections} connections asking for {@code base:allocation} and {@code extraContexts},
     * e.g. {@code MetaContext.dirtyBitmap("backup-vda")}. A dirty bitmap context the server does not have is
     * an error; without {@code base:allocation} the source falls back to "all data".
     */
    public static NbdExportSource open(NbdExport export, int connections, Collection<String> extraContexts)
            throws IOException {
        Set<String> contexts = new LinkedHashSet<>();
        contexts.add(MetaContext.BASE_ALLOCATION);
        contexts.addAll(extraContexts);
        ConnectionPool pool = new ConnectionPool(export, new ArrayList<>(contexts), connections);
        Set<String> missing = new LinkedHashSet<>(extraContexts);
        missing.removeAll(pool.first().metaContexts());
        if (!missing.isEmpty()) {
            pool.close();
            throw new NbdNegotiationException("NBD export " + export + " does not offer meta context(s) "
                    + missing + "; it agreed to " + pool.first().metaContexts()
                    + (pool.first().structuredReplies() ? "" : " (no structured replies)"));
        }
        return new NbdExportSource(pool);
    }

    @Override
    public long size() {
        return pool.first().size();
    }

    /** The meta contexts the server agreed to. */
    public Set<String> metaContexts() {
        return pool.first().metaContexts();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size()) {
            throw new EOFException("read of " + dst.remaining() + " bytes at offset " + offset + " is past the end ("
                    + size() + " bytes) of " + describe());
        }
        pool.call(connection -> {
            connection.read(offset, dst);
            return null;
        });
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) throws IOException {
        long end = clippedEnd(offset, length);
        if (end <= offset) {
            return List.of();
        }
        if (!metaContexts().contains(MetaContext.BASE_ALLOCATION)) {
            return List.of(new Extent(offset, end - offset));
        }
        return Extents.select(extents(MetaContext.BASE_ALLOCATION, offset, end - offset),
                flags -> (flags & (MetaContext.STATE_HOLE | MetaContext.STATE_ZERO)) == 0);
    }

    /**
     * The ranges in {@code [offset, offset+length)} flagged dirty in {@code context}, a
     * {@link MetaContext#dirtyBitmap} context this source was opened with.
     */
    public List<Extent> dirtyExtents(String context, long offset, long length) throws IOException {
        long end = clippedEnd(offset, length);
        if (end <= offset) {
            return List.of();
        }
        return Extents.select(extents(context, offset, end - offset),
                flags -> (flags & MetaContext.STATE_DIRTY) != 0);
    }

    /** The raw extents of any negotiated meta context over a range inside the export. */
    public List<BlockStatusExtent> extents(String context, long offset, long length) throws IOException {
        return pool.call(connection -> connection.blockStatus(context, offset, length));
    }

    private long clippedEnd(long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range offset=" + offset + " length=" + length);
        }
        return Math.min(size(), offset + length);
    }

    /** Connections opened so far (for tests and diagnostics). */
    int connectionsOpened() {
        return pool.opened();
    }

    @Override
    public String describe() {
        return pool.first().export().toString();
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "NbdExportSource[" + describe() + ", " + pool.size() + " connections]";
    }
}

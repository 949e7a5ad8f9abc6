package coffer.virt.nbd;

import coffer.vault.io.BlockSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A disk written over NBD with several connections, e.g. a qcow2 file behind a writable {@code qemu-nbd}.
 * Zeroing uses {@code NBD_CMD_WRITE_ZEROES} (holes punched where the server can); {@link #commit()} flushes
 * once if the server shares its cache between connections ({@code NBD_FLAG_CAN_MULTI_CONN}), else on every
 * connection, and refuses to report success if a connection was lost on the way.
 *
 * <p>Thread-safe, as {@link BlockSink} requires.
 */
public final class NbdExportSink implements BlockSink {
    private final ConnectionPool pool;

    private NbdExportSink(ConnectionPool pool) {
        this.pool = pool;
    }

    /** Opens up to {@code connections} connections; the export must be writable. */
    public static NbdExportSink open(NbdExport export, int connections) throws IOException {
        ConnectionPool pool = new ConnectionPool(export, List.of(), connections);
        if (pool.first().readOnly()) {
            pool.close();
            throw new IOException("NBD export " + export + " is read-only; cannot restore into it");
        }
        return new NbdExportSink(pool);
    }

    @Override
    public long size() {
        return pool.first().size();
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkRange(offset, src.remaining());
        pool.call(connection -> {
            connection.write(offset, src);
            return null;
        });
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        checkRange(offset, length);
        pool.call(connection -> {
            connection.writeZeroes(offset, length);
            return null;
        });
    }

    @Override
    public void commit() throws IOException {
        NbdConnection first = pool.first();
        if (pool.lost() > 0 && !first.canMultiConn()) {
            throw new IOException(pool.lost() + " NBD connection(s) to " + describe() + " broke during the "
                    + "restore; writes acknowledged on them cannot be flushed, so the disk is not committed");
        }
        if (first.canMultiConn()) {
            pool.call(connection -> {
                connection.flush();
                return null;
            });
        } else {
            pool.callEach(connection -> {
                connection.flush();
                return null;
            });
        }
    }

    private void checkRange(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size()) {
            throw new IOException("write of " + length + " bytes at offset " + offset + " is outside "
                    + describe() + " (" + size() + " bytes)");
        }
    }

    @Override
    public String describe() {
        return pool.first().export().toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}

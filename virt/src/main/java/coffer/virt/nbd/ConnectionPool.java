package coffer.virt.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Up to N connections to one export, each lent to one caller at a time. The first connection is opened at
 * once (it fails fast and tells the export's size and features); the others on demand. A connection that broke
 * is closed and replaced by a new one on a later call.
 *
 * <p>Thread-safe. {@link #close()} closes idle connections politely and aborts the busy ones, so callers in
 * flight fail promptly.
 */
final class ConnectionPool implements Closeable {
    interface Call<T> {
        T apply(NbdConnection connection) throws IOException;
    }

    private final NbdExport export;
    private final List<String> contexts;
    private final int size;
    private final NbdConnection first;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<NbdConnection> idle = new ConcurrentLinkedDeque<>();
    private final Set<NbdConnection> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger(1);
    private volatile boolean closed;

    ConnectionPool(NbdExport export, List<String> contexts, int size) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("need at least one connection, got " + size);
        }
        this.export = export;
        this.contexts = List.copyOf(contexts);
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.first = NbdConnection.open(export, this.contexts);
        all.add(first);
        idle.add(first);
    }

    /** The first connection: what the server negotiated, for every connection of this pool. */
    NbdConnection first() {
        return first;
    }

    int size() {
        return size;
    }

    /** Connections that broke while the pool was open. */
    int lost() {
        return lost.get();
    }

    /** Connections opened so far, including replacements. */
    int opened() {
        return opened.get();
    }

    /** Runs {@code call} on a free connection, waiting for one if all are busy. */
    <T> T call(Call<T> call) throws IOException {
        acquire(1);
        try {
            return callHoldingPermit(call);
        } finally {
            permits.release();
        }
    }

    /** Runs {@code call} on every open connection while no other call runs (for flushing each one). */
    void callEach(Call<?> call) throws IOException {
        acquire(size);
        try {
            for (NbdConnection connection : List.copyOf(idle)) {
                try {
                    call.apply(connection);
                } finally {
                    if (!connection.usable()) {
                        discard(connection);
                    }
                }
            }
        } finally {
            permits.release(size);
        }
    }

    private <T> T callHoldingPermit(Call<T> call) throws IOException {
        NbdConnection connection = idle.pollFirst();
        if (connection == null) {
            connection = openAnother();
        }
        try {
            return call.apply(connection);
        } finally {
            if (connection.usable() && !closed) {
                idle.addFirst(connection);
            } else {
                discard(connection);
            }
        }
    }

    private void discard(NbdConnection connection) {
        if (!closed) {
            lost.incrementAndGet();
        }
        idle.remove(connection);
        all.remove(connection);
        connection.close();
    }

    private NbdConnection openAnother() throws IOException {
        ensureOpen();
        NbdConnection connection = NbdConnection.open(export, contexts);
        if (connection.size() != first.size() || !connection.metaContexts().equals(first.metaContexts())) {
            connection.close();
            throw new NbdProtocolException(export.toString(), "a new connection sees size " + connection.size()
                    + " and contexts " + connection.metaContexts() + ", the first saw " + first.size() + " and "
                    + first.metaContexts());
        }
        all.add(connection);
        opened.incrementAndGet();
        if (closed) {
            connection.close();
            ensureOpen();
        }
        return connection;
    }

    private void acquire(int count) throws IOException {
        ensureOpen();
        try {
            permits.acquire(count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a connection to " + export);
        }
        if (closed) {
            permits.release(count);
            ensureOpen();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("NBD connections to " + export + " are closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        for (NbdConnection connection : all) {
            connection.close();
        }
        all.clear();
        idle.clear();
    }
}

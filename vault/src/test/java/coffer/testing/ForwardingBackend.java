package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A backend that passes every call to another: test wrappers override the calls they change (okio's
 * {@code ForwardingSource}). Thread-safe when the delegate is.
 */
public abstract class ForwardingBackend implements Backend {
    protected final Backend delegate;

    protected ForwardingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    @Override
    public void put(String name, ByteBuffer data) throws IOException {
        delegate.put(name, data);
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        return delegate.putIfAbsent(name, data);
    }

    @Override
    public ByteBuffer get(String name) throws IOException {
        return delegate.get(name);
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        return delegate.stat(name);
    }

    @Override
    public void delete(String name) throws IOException {
        delegate.delete(name);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public List<String> listChildren(String prefix) throws IOException {
        return delegate.listChildren(prefix);
    }

    @Override
    public boolean cheapStat() {
        return delegate.cheapStat();
    }

    @Override
    public int ioParallelism() {
        return delegate.ioParallelism();
    }

    @Override
    public boolean retain(String name, Instant until) throws IOException {
        return delegate.retain(name, until);
    }

    @Override
    public void sync() throws IOException {
        delegate.sync();
    }

    @Override
    public int removeAbandonedUploads(Instant olderThan) throws IOException {
        return delegate.removeAbandonedUploads(olderThan);
    }

    @Override
    public String describe() {
        return getClass().getSimpleName() + "(" + delegate.describe() + ")";
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}

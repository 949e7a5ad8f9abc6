package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fake of a full file system, for tests where mounting a small one is not wanted: a backend that refuses, as
 * permanent "No space left on device" failures, every write that would take the objects' total size above a
 * limit. Deleting an object frees its size, as on a file system (without block rounding).
 *
 * <p>Thread-safe.
 */
public final class SizeLimitedBackend implements Backend {
    private final Backend delegate;
    private final long limit;
    private final Map<String, Long> sizes = new HashMap<>();
    private long used;

    public SizeLimitedBackend(Backend delegate, long limit) throws IOException {
        this.delegate = delegate;
        this.limit = limit;
        for (ObjectInfo info : delegate.list("")) {
            sizes.put(info.name(), info.size());
            used += info.size();
        }
    }

    /** Bytes the objects take now. */
    public synchronized long used() {
        return used;
    }

    private synchronized void reserve(String name, long size) throws BackendException {
        long after = used - sizes.getOrDefault(name, 0L) + size;
        if (after > limit) {
            throw new BackendException("cannot write '" + name + "' in " + describe() + ": No space left on device ("
                    + used + " of " + limit + " bytes used)", false, null);
        }
    }

    private synchronized void written(String name, long size) {
        used += size - sizes.getOrDefault(name, 0L);
        sizes.put(name, size);
    }

    @Override
    public void put(String name, ByteBuffer data) throws IOException {
        reserve(name, data.remaining());
        long size = data.remaining();
        delegate.put(name, data);
        written(name, size);
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        if (delegate.exists(name)) {
            return false;
        }
        reserve(name, data.remaining());
        long size = data.remaining();
        boolean created = delegate.putIfAbsent(name, data);
        if (created) {
            written(name, size);
        }
        return created;
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
        synchronized (this) {
            Long size = sizes.remove(name);
            used -= size == null ? 0 : size;
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
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
        return "size-limited(" + limit + " bytes, " + delegate.describe() + ")";
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}

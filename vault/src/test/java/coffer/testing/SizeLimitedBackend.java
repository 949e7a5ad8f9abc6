package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A fake of a full file system, for tests where mounting a small one is not wanted: a backend that refuses, as
 * permanent "No space left on device" failures, every write that would take the objects' total size above a
 * limit. Deleting an object frees its size, as on a file system (without block rounding).
 *
 * <p>Thread-safe (writes are serialized: a fake, not a benchmark).
 */
public final class SizeLimitedBackend extends ForwardingBackend {
    private final long limit;
    private final Map<String, Long> sizes = new HashMap<>();
    private long used;

    public SizeLimitedBackend(Backend delegate, long limit) throws IOException {
        super(delegate);
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

    /** Takes the space of {@code name} at {@code size} bytes before the write (two writers never share one gap). */
    private synchronized void reserve(String name, long size) throws BackendException {
        long after = used - sizes.getOrDefault(name, 0L) + size;
        if (after > limit) {
            throw new BackendException("cannot write '" + name + "' in " + describe() + ": No space left on device ("
                    + used + " of " + limit + " bytes used)", false, null);
        }
        used = after;
        sizes.put(name, size);
    }

    /** Gives back a reservation whose write did not happen: the object is as it was ({@code before}, or absent). */
    private synchronized void release(String name, long size, Long before) {
        used -= size - (before == null ? 0 : before);
        if (before == null) {
            sizes.remove(name);
        } else {
            sizes.put(name, before);
        }
    }

    private synchronized Long sizeOf(String name) {
        return sizes.get(name);
    }

    @Override
    public synchronized void put(String name, ByteBuffer data) throws IOException {
        long size = data.remaining();
        Long before = sizeOf(name);
        reserve(name, size);
        try {
            delegate.put(name, data);
        } catch (IOException | RuntimeException e) {
            release(name, size, before);
            throw e;
        }
    }

    @Override
    public synchronized boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        if (delegate.exists(name)) {
            return false;
        }
        long size = data.remaining();
        Long before = sizeOf(name);
        reserve(name, size);
        boolean created;
        try {
            created = delegate.putIfAbsent(name, data);
        } catch (IOException | RuntimeException e) {
            release(name, size, before);
            throw e;
        }
        if (!created) {
            release(name, size, before);
        }
        return created;
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
    public String describe() {
        return "size-limited(" + limit + " bytes, " + delegate.describe() + ")";
    }
}

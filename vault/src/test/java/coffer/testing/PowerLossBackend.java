package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * Fault injection in the style of Lucene's {@code MockDirectoryWrapper}: a backend wrapper that remembers every
 * change made since the last {@link #sync()} (a put, a put-if-absent that created, a delete), and at a
 * simulated power loss undoes what was not made durable. Calls are numbered from 1 as they reach the wrapper;
 * at call {@link #lossAt} the power fails before that call runs, and it and every later call fail, as the process
 * died with the machine.
 * <ul>
 *   <li>{@link Mode#DROP_ALL}: every unsynced change is lost;</li>
 *   <li>{@link Mode#RANDOM}: each unsynced change is kept or lost on its own, drawn from the seed: a file system
 *       may write back any subset of what it holds, in any order.</li>
 * </ul>
 * A lost change restores the object as it was at the last barrier (absent, or its earlier bytes): each object
 * whole, never torn, as atomic rename gives. Writers that keep their barriers lose nothing a published point
 * names; without them a random loss soon keeps a manifest and drops a chunk it names.
 *
 * <p>Thread-safe.
 */
public final class PowerLossBackend implements Backend {
    public enum Mode { DROP_ALL, RANDOM }

    private final Backend delegate;
    private final long lossAt;
    private final Mode mode;
    private final Random random;
    /** Per object changed since the last barrier: its bytes at that barrier (null: absent). Insertion order. */
    private final Map<String, byte[]> durable = new LinkedHashMap<>();
    private long calls;
    private boolean lost;
    private final Map<String, String> report = new TreeMap<>();

    private PowerLossBackend(Backend delegate, long lossAt, Mode mode, long seed) {
        this.delegate = delegate;
        this.lossAt = lossAt;
        this.mode = mode;
        this.random = new Random(seed);
    }

    /** Power fails before call {@code call}; with {@link Mode#RANDOM} the seed draws what survives. */
    public static PowerLossBackend lossAt(Backend delegate, long call, Mode mode, long seed) {
        return new PowerLossBackend(delegate, call, mode, seed);
    }

    /** Never loses power; {@link #calls()} counts what an operation does. */
    public static PowerLossBackend counting(Backend delegate) {
        return new PowerLossBackend(delegate, Long.MAX_VALUE, Mode.DROP_ALL, 0);
    }

    public synchronized long calls() {
        return calls;
    }

    /** Whether the power failed. */
    public synchronized boolean lost() {
        return lost;
    }

    /** What the loss did to each unsynced object ("kept" or "lost"), for failure messages. */
    public synchronized Map<String, String> report() {
        return Map.copyOf(report);
    }

    @Override
    public String toString() {
        return "power loss before call " + lossAt + " (" + mode + ")";
    }

    private synchronized void enter() throws IOException {
        calls++;
        if (!lost && calls >= lossAt) {
            lose();
        }
        if (lost) {
            throw new BackendException("simulated power loss before backend call " + lossAt, false, null);
        }
    }

    private void lose() throws IOException {
        lost = true;
        for (Map.Entry<String, byte[]> change : durable.entrySet()) {
            boolean keep = mode == Mode.RANDOM && random.nextBoolean();
            report.put(change.getKey(), keep ? "kept" : "lost");
            if (!keep) {
                if (change.getValue() == null) {
                    delegate.delete(change.getKey());
                } else {
                    delegate.put(change.getKey(), ByteBuffer.wrap(change.getValue()));
                }
            }
        }
        durable.clear();
    }

    /** Remembers the object's durable state before its first unsynced change. */
    private void changing(String name) throws IOException {
        if (durable.containsKey(name)) {
            return;
        }
        byte[] before;
        try {
            ByteBuffer bytes = delegate.get(name);
            before = new byte[bytes.remaining()];
            bytes.get(before);
        } catch (ObjectNotFoundException absent) {
            before = null;
        }
        durable.put(name, before);
    }

    @Override
    public synchronized void put(String name, ByteBuffer data) throws IOException {
        enter();
        changing(name);
        delegate.put(name, data);
    }

    @Override
    public synchronized boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        enter();
        if (delegate.exists(name)) {
            return false;
        }
        changing(name);
        return delegate.putIfAbsent(name, data);
    }

    @Override
    public synchronized ByteBuffer get(String name) throws IOException {
        enter();
        return delegate.get(name);
    }

    @Override
    public synchronized Optional<ObjectInfo> stat(String name) throws IOException {
        enter();
        return delegate.stat(name);
    }

    @Override
    public synchronized void delete(String name) throws IOException {
        enter();
        changing(name);
        delegate.delete(name);
    }

    @Override
    public synchronized List<ObjectInfo> list(String prefix) throws IOException {
        enter();
        return delegate.list(prefix);
    }

    @Override
    public synchronized void sync() throws IOException {
        enter();
        delegate.sync();
        durable.clear();
    }

    @Override
    public synchronized int removeAbandonedUploads(Instant olderThan) throws IOException {
        enter();
        return delegate.removeAbandonedUploads(olderThan);
    }

    @Override
    public String describe() {
        return "power-loss(" + delegate.describe() + ")";
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}

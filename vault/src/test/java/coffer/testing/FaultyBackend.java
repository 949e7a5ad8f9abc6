package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectInfo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for whole operations: a backend wrapper of which a share of the calls (reads, writes,
 * listings, barriers) misbehave, drawn from a printed seed. A faulty call does one of:
 * <ul>
 *   <li>fail before it reaches storage (a retryable {@link BackendException});</li>
 *   <li>fail after it reached storage (the write landed, the caller learns of an error: a timeout after success);</li>
 *   <li>stall for up to {@link #maxStallMillis} milliseconds, then run normally (a slow disk or network).</li>
 * </ul>
 * {@link #off()} turns the faults off, to look at the result through the same wrapper. {@link #remoteLike} makes it
 * answer as a remote store does ({@link #cheapStat()} false, several calls in flight), so that writers take the paths
 * they take on S3 (a base's chunks counted present without asking, a replication's destination listed).
 *
 * <p>Thread-safe (calls of several threads draw from one seeded stream in the order they arrive, so a run
 * with threads is not replayed exactly; one thread is).
 */
public final class FaultyBackend implements Backend {
    private final Backend delegate;
    private final double rate;
    private final int maxStallMillis;
    private final SplittableRandom random;
    private volatile boolean on = true;
    private volatile boolean remoteLike;
    private final AtomicLong failedBefore = new AtomicLong();
    private final AtomicLong failedAfter = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();

    public FaultyBackend(Backend delegate, long seed, double rate, int maxStallMillis) {
        this.delegate = delegate;
        this.rate = rate;
        this.maxStallMillis = maxStallMillis;
        this.random = new SplittableRandom(seed);
    }

    /** From now on answers as a remote store: {@link #cheapStat()} false, {@link #ioParallelism()} 4. */
    public FaultyBackend remoteLike() {
        remoteLike = true;
        return this;
    }

    @Override
    public boolean cheapStat() {
        return !remoteLike && delegate.cheapStat();
    }

    @Override
    public int ioParallelism() {
        return remoteLike ? 4 : delegate.ioParallelism();
    }

    public void off() {
        on = false;
    }

    public void on() {
        on = true;
    }

    /** Faults injected so far, by kind. */
    public String counts() {
        return failedBefore.get() + " failed before, " + failedAfter.get() + " failed after, " + stalled.get() + " stalled";
    }

    public long faults() {
        return failedBefore.get() + failedAfter.get() + stalled.get();
    }

    private enum Fault { NONE, FAIL_BEFORE, FAIL_AFTER, STALL }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(String what, Call<T> call) throws IOException {
        Fault fault;
        int stall;
        synchronized (random) {
            double draw = random.nextDouble();
            fault = !on || draw >= rate ? Fault.NONE : Fault.values()[1 + random.nextInt(3)];
            stall = 1 + random.nextInt(Math.max(1, maxStallMillis));
        }
        switch (fault) {
            case NONE -> {
                return call.run();
            }
            case FAIL_BEFORE -> {
                failedBefore.incrementAndGet();
                throw new BackendException("injected fault before " + what, true, null);
            }
            case FAIL_AFTER -> {
                call.run();
                failedAfter.incrementAndGet();
                throw new BackendException("injected fault after " + what + " (it was applied)", true, null);
            }
            case STALL -> {
                stalled.incrementAndGet();
                try {
                    Thread.sleep(stall);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while stalled in " + what);
                }
                return call.run();
            }
            default -> throw new AssertionError(fault);
        }
    }

    @Override
    public void put(String name, ByteBuffer data) throws IOException {
        call("put '" + name + "'", () -> {
            delegate.put(name, data);
            return null;
        });
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        return call("putIfAbsent '" + name + "'", () -> delegate.putIfAbsent(name, data));
    }

    @Override
    public ByteBuffer get(String name) throws IOException {
        return call("get '" + name + "'", () -> delegate.get(name));
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        return call("stat '" + name + "'", () -> delegate.stat(name));
    }

    @Override
    public void delete(String name) throws IOException {
        call("delete '" + name + "'", () -> {
            delegate.delete(name);
            return null;
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return call("list '" + prefix + "'", () -> delegate.list(prefix));
    }

    @Override
    public List<String> listChildren(String prefix) throws IOException {
        return call("listChildren '" + prefix + "'", () -> delegate.listChildren(prefix));
    }

    @Override
    public void sync() throws IOException {
        call("sync", () -> {
            delegate.sync();
            return null;
        });
    }

    @Override
    public int removeAbandonedUploads(Instant olderThan) throws IOException {
        return call("removeAbandonedUploads", () -> delegate.removeAbandonedUploads(olderThan));
    }

    @Override
    public String describe() {
        return "faulty(" + delegate.describe() + ")";
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}

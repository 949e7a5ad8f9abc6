package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection: a backend that fails from a chosen call on, so that an ordinary operation run over it
 * becomes a crash test. Calls are numbered from 1 in the order they reach this wrapper (every method but
 * {@link #describe()} and {@link #close()}; {@code exists} counts as its {@code stat}).
 * <ul>
 *   <li>{@link #crashAt}: call {@code n} and every later call fail, as when the process dies: nothing more
 *       reaches storage. With {@code lastCallApplied} call {@code n} reaches the delegate before failing
 *       (the write landed, the process died before learning it).</li>
 *   <li>{@link #failOnce}: only call {@code n} fails, retryably; later calls pass (a transient fault).</li>
 *   <li>{@link #failWhen}: every call the predicate picks (method and object name) fails, retryably.</li>
 *   <li>{@link #counting}: never fails; {@link #calls()} tells how many calls an operation makes.</li>
 * </ul>
 * {@link #crashAtSeeded} draws {@code n} from a seed and prints it (see {@link TestSeed}).
 *
 * <p>Thread-safe.
 */
public final class CrashingBackend implements Backend {
    private enum Mode { CRASH, ONCE, NEVER, MATCH }

    private final Backend delegate;
    private final Mode mode;
    private final long failAt;
    private final boolean lastCallApplied;
    private final AtomicLong calls = new AtomicLong();
    private volatile String failure;
    private final java.util.function.BiPredicate<String, String> picks;

    private CrashingBackend(Backend delegate, Mode mode, long failAt, boolean lastCallApplied) {
        this(delegate, mode, failAt, lastCallApplied, (method, name) -> false);
    }

    private CrashingBackend(Backend delegate, Mode mode, long failAt, boolean lastCallApplied,
                            java.util.function.BiPredicate<String, String> picks) {
        this.delegate = delegate;
        this.mode = mode;
        this.failAt = failAt;
        this.lastCallApplied = lastCallApplied;
        this.picks = picks;
    }

    /** Fails, retryably, every call whose method and object name {@code picks} accepts. */
    public static CrashingBackend failWhen(Backend delegate, java.util.function.BiPredicate<String, String> picks) {
        return new CrashingBackend(delegate, Mode.MATCH, Long.MAX_VALUE, false, picks);
    }

    public static CrashingBackend crashAt(Backend delegate, long call, boolean lastCallApplied) {
        return new CrashingBackend(delegate, Mode.CRASH, call, lastCallApplied);
    }

    /** Crashes at a call in {@code [1, calls]} drawn from {@code seed}; prints the seed and the draw. */
    public static CrashingBackend crashAtSeeded(Backend delegate, long seed, long calls) {
        Random random = new Random(seed);
        long call = 1 + random.nextLong(calls);
        boolean applied = random.nextBoolean();
        System.out.println("[seed] " + seed + ": crash at backend call " + call + " of " + calls
                + (applied ? ", that call applied" : ", that call lost"));
        return crashAt(delegate, call, applied);
    }

    public static CrashingBackend failOnce(Backend delegate, long call) {
        return new CrashingBackend(delegate, Mode.ONCE, call, false);
    }

    public static CrashingBackend counting(Backend delegate) {
        return new CrashingBackend(delegate, Mode.NEVER, Long.MAX_VALUE, false);
    }

    /** Calls made so far, failed ones included. */
    public long calls() {
        return calls.get();
    }

    /** Description of the first injected failure, or null when none happened. */
    public String failure() {
        return failure;
    }

    public boolean failed() {
        return failure != null;
    }

    @Override
    public void put(String name, ByteBuffer data) throws IOException {
        call("put", name, () -> {
            delegate.put(name, data);
            return null;
        });
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        return call("putIfAbsent", name, () -> delegate.putIfAbsent(name, data));
    }

    @Override
    public ByteBuffer get(String name) throws IOException {
        return call("get", name, () -> delegate.get(name));
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        return call("stat", name, () -> delegate.stat(name));
    }

    @Override
    public void delete(String name) throws IOException {
        call("delete", name, () -> {
            delegate.delete(name);
            return null;
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return call("list", prefix, () -> delegate.list(prefix));
    }

    @Override
    public void sync() throws IOException {
        call("sync", "", () -> {
            delegate.sync();
            return null;
        });
    }

    @Override
    public int removeAbandonedUploads(Instant olderThan) throws IOException {
        return call("removeAbandonedUploads", "", () -> delegate.removeAbandonedUploads(olderThan));
    }

    @Override
    public String describe() {
        return "crashing(" + delegate.describe() + ")";
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String toString() {
        return switch (mode) {
            case CRASH -> "crash at call " + failAt + (lastCallApplied ? " (applied)" : " (lost)");
            case ONCE -> "transient failure of call " + failAt;
            case NEVER -> "no failure";
            case MATCH -> "failure of the calls picked";
        };
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(String method, String name, Call<T> call) throws IOException {
        long n = calls.incrementAndGet();
        boolean fails = switch (mode) {
            case CRASH -> n >= failAt;
            case ONCE -> n == failAt;
            case NEVER -> false;
            case MATCH -> picks.test(method, name);
        };
        if (!fails) {
            return call.run();
        }
        if (n == failAt && lastCallApplied) {
            call.run();
        }
        String what = "simulated " + (mode == Mode.CRASH ? "crash" : "transient failure") + " at backend call " + n
                + ": " + method + " '" + name + "'";
        if (n == failAt || (mode == Mode.MATCH && failure == null)) {
            failure = what;
        }
        throw new BackendException(what, mode == Mode.ONCE || mode == Mode.MATCH, null);
    }
}

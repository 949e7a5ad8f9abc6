package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backend that runs a test's action once, right after the first {@code list} or {@code get} of a name under a
 * prefix has returned, on the calling thread: to put another operation exactly between two steps of the one under
 * test (a backup committed between gc's listing and its lock; a backup run while a verify reads its first chunk).
 * Every call goes to the delegate unchanged ({@link ForwardingBackend}); {@link #ran()} tells whether the action ran.
 *
 * <p>Thread-safe (the action runs at most once).
 */
public final class HookedBackend extends ForwardingBackend {
    /** The action; may throw {@link IOException}. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    private enum On { LIST, GET }

    private final On on;
    private final String prefix;
    private final Action action;
    private final AtomicBoolean armed = new AtomicBoolean(true);

    private HookedBackend(Backend delegate, On on, String prefix, Action action) {
        super(delegate);
        this.on = on;
        this.prefix = prefix;
        this.action = action;
    }

    /** Runs {@code action} after the first {@code list} of a prefix starting with {@code prefix}. */
    public static HookedBackend afterFirstList(Backend delegate, String prefix, Action action) {
        return new HookedBackend(delegate, On.LIST, prefix, action);
    }

    /** Runs {@code action} after the first {@code get} of a name starting with {@code prefix}. */
    public static HookedBackend afterFirstGet(Backend delegate, String prefix, Action action) {
        return new HookedBackend(delegate, On.GET, prefix, action);
    }

    public boolean ran() {
        return !armed.get();
    }

    private void after(On call, String name) {
        if (call == on && name.startsWith(prefix) && armed.compareAndSet(true, false)) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public ByteBuffer get(String name) throws IOException {
        ByteBuffer result = delegate.get(name);
        after(On.GET, name);
        return result;
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        List<ObjectInfo> result = delegate.list(prefix);
        after(On.LIST, prefix);
        return result;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}

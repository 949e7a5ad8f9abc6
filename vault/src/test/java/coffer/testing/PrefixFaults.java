package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that fails the next deletes, or puts after they landed (a timeout after success), of names under one
 * prefix, as many as a test asks ({@link #failDeletes}, {@link #failPutsAfterLanding}); every other call goes to the
 * delegate unchanged. For held objects (locks, claims, leases) whose release or removal fails. Thread-safe.
 */
public final class PrefixFaults extends ForwardingBackend {
    private final String prefix;
    private final AtomicInteger deleteFailures = new AtomicInteger();
    private final AtomicInteger putFailures = new AtomicInteger();

    public PrefixFaults(Backend delegate, String prefix) {
        super(delegate);
        this.prefix = prefix;
    }

    /** The next {@code count} deletes under the prefix fail before they reach storage (0: none from now on). */
    public PrefixFaults failDeletes(int count) {
        deleteFailures.set(count);
        return this;
    }

    /** The next {@code count} puts under the prefix land, then fail. */
    public PrefixFaults failPutsAfterLanding(int count) {
        putFailures.set(count);
        return this;
    }

    @Override
    public void put(String name, ByteBuffer data) throws IOException {
        super.put(name, data);
        if (name.startsWith(prefix) && putFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new BackendException("injected failure after the put of " + name, true, null);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        if (name.startsWith(prefix) && deleteFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new BackendException("injected failure of the delete of " + name, true, null);
        }
        super.delete(name);
    }
}

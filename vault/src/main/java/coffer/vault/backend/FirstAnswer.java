package coffer.vault.backend;

import java.time.Duration;

/**
 * A bound on how long a remote backend's request may go without any byte, either way, before its store has answered
 * it, for the requests the calling thread sends while the scope is open: opening a vault, where a store that accepts
 * connections and never answers would otherwise hold the opener for the stall limit of every attempt (minutes). Once
 * a request of the scope got no byte within the bound, the scope is marked {@link #unanswered} and its later requests
 * are not sent, so the whole scope fails after about one bound. The bound is measured on progress, never on a request's
 * total time: a slow store that is moving bytes is never cut, and once a request's answer has begun the backend's own
 * stall limit applies (docs/design/s3.md, "Cancel and stalls"). A backend that has nothing remote ignores the scope.
 *
 * <p>Scopes nest: an inner one replaces the outer one until it closes. Not thread-safe; one scope belongs to one thread
 * ({@link #unanswered} may be read and set by others).
 */
public final class FirstAnswer implements AutoCloseable {
    private static final ThreadLocal<FirstAnswer> CURRENT = new ThreadLocal<>();

    private final Duration bound;
    private final FirstAnswer outer;
    private volatile boolean unanswered;

    private FirstAnswer(Duration bound, FirstAnswer outer) {
        this.bound = bound;
        this.outer = outer;
    }

    /** Opens a scope on the calling thread: its requests must get a first byte within {@code bound}. */
    public static FirstAnswer within(Duration bound) {
        FirstAnswer scope = new FirstAnswer(bound, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The open scope of the calling thread, or null. */
    public static FirstAnswer current() {
        return CURRENT.get();
    }

    public Duration bound() {
        return bound;
    }

    /** Whether a request of this scope got no byte within the bound: its store is not answering. */
    public boolean unanswered() {
        return unanswered;
    }

    /** Records that a request of this scope got no byte within the bound: the scope's later requests are not sent. */
    public void markUnanswered() {
        unanswered = true;
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}

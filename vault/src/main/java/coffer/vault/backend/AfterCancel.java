package coffer.vault.backend;

/**
 * The cleanup of a cancelled operation (its thread interrupted) on the calling thread: {@link #begin()} puts the
 * interrupt aside, so that the cleanup's requests are sent at all (the AWS SDK fails every request of an interrupted
 * thread), and {@link #close()} sets it again. While the scope is open a remote backend gives each request a short
 * patience instead of its full timeouts: a store that stopped answering (the usual reason for a cancel) would
 * otherwise hold the cancel for minutes per request. What the cleanup could not remove (a lock, a claim, an unfinished
 * marker, an index without manifest) is nothing visible: the next run, a stale-lock sweep or gc removes it
 * (docs/design/s3.md, "Cancel and stalls").
 *
 * <p>Scopes nest: an inner {@link #begin()} on a thread that is already in one (its interrupt already put aside) joins
 * the outer scope. Not thread-safe; one scope belongs to one thread ({@link #unresponsive} may be read by others).
 */
public final class AfterCancel implements AutoCloseable {
    private static final ThreadLocal<AfterCancel> CURRENT = new ThreadLocal<>();
    private static final AfterCancel NONE = new AfterCancel(false);

    private final boolean owner;
    /** Set by a backend whose request in this scope ran out of patience: later requests fail without being sent. */
    private volatile boolean unresponsive;

    private AfterCancel(boolean owner) {
        this.owner = owner;
    }

    /**
     * Opens the scope when the calling thread was interrupted (clearing its interrupt), joins the thread's open scope
     * when it is in one, and else returns a scope that does nothing.
     */
    public static AfterCancel begin() {
        boolean interrupted = Thread.interrupted();
        if (CURRENT.get() != null || !interrupted) {
            return NONE; // joined (the outer scope sets the interrupt again), or nothing was cancelled
        }
        AfterCancel scope = new AfterCancel(true);
        CURRENT.set(scope);
        return scope;
    }

    /** The open scope of the calling thread, or null: its requests are a cancelled operation's cleanup. */
    public static AfterCancel current() {
        return CURRENT.get();
    }

    /** Whether a request of this scope found the store not answering. */
    public boolean unresponsive() {
        return unresponsive;
    }

    /** Records that a request of this scope found the store not answering: the scope's later requests are not sent. */
    public void markUnresponsive() {
        unresponsive = true;
    }

    /** Ends the scope it opened and interrupts the thread again; a joined or empty scope does nothing. */
    @Override
    public void close() {
        if (owner) {
            CURRENT.remove();
            Thread.currentThread().interrupt();
        }
    }
}

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
 * the outer scope. An operation whose cleanup is made of several scopes one after another (a replication: its writer's,
 * then its claim's release) opens a {@link Run} around them all: once a request of one of its scopes found the store
 * not answering, the later scopes of the same run send nothing either, so the cancel waits the patience once, not once
 * per scope. Not thread-safe; one scope belongs to one thread ({@link #unresponsive} may be read by others).
 */
public final class AfterCancel implements AutoCloseable {
    private static final ThreadLocal<AfterCancel> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Run> RUN = new ThreadLocal<>();
    private static final AfterCancel NONE = new AfterCancel(false, null);

    private final boolean owner;
    private final Run run;
    /** Set by a backend whose request in this scope ran out of patience: later requests fail without being sent. */
    private volatile boolean unresponsive;

    private AfterCancel(boolean owner, Run run) {
        this.owner = owner;
        this.run = run;
        this.unresponsive = run != null && run.unresponsive;
    }

    /**
     * Opens a run on the calling thread (or joins the one it is in): the cleanup scopes begun within it share what
     * they found, so a store that did not answer one of them within the patience is not asked by the later ones.
     */
    public static Run run() {
        if (RUN.get() != null) {
            return Run.JOINED;
        }
        Run run = new Run(true);
        RUN.set(run);
        return run;
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
        AfterCancel scope = new AfterCancel(true, RUN.get());
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
        if (run != null) {
            run.unresponsive = true;
        }
    }

    /** Ends the scope it opened and interrupts the thread again; a joined or empty scope does nothing. */
    @Override
    public void close() {
        if (owner) {
            CURRENT.remove();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An operation whose cancelled cleanups, one scope after another, share one patience ({@link #run()}). Not
     * thread-safe; one run belongs to one thread.
     */
    public static final class Run implements AutoCloseable {
        private static final Run JOINED = new Run(false);

        private final boolean owner;
        private volatile boolean unresponsive;

        private Run(boolean owner) {
            this.owner = owner;
        }

        /** Whether a cleanup scope of this run found the store not answering within the patience. */
        public boolean unresponsive() {
            return unresponsive;
        }

        /** Ends the run it opened; a joined run does nothing. */
        @Override
        public void close() {
            if (owner) {
                RUN.remove();
            }
        }
    }
}

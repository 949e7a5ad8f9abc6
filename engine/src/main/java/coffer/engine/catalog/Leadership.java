package coffer.engine.catalog;

/**
 * Which one of the servers sharing a catalog does the work only one of them should do (the scheduler's
 * ticks, the retention sweep): the holder of a named lead (docs/design/scheduler.md, "Several servers").
 * A server calls {@link #lead()} every few seconds; the answer is true while it holds the lead, and the
 * lead passes to another caller within seconds when its holder dies.
 *
 * <p>The lead saves work, it does not make the scheduler correct: every write the scheduler makes is
 * conditional on what it read ({@link Plans}), so a holder that lost the lead without knowing it yet, and
 * acts once more, still neither skips nor doubles a run.
 *
 * <p>Implementations MUST be thread-safe.
 */
public interface Leadership extends AutoCloseable {
    /**
     * Whether this caller leads now: takes the lead when nobody holds it, and checks, when it holds it, that
     * it still does (false, and the lead is given up, when that cannot be confirmed).
     */
    boolean lead();

    /** Gives up the lead (another server takes it at its next {@link #lead()}); idempotent. */
    @Override
    void close();
}

package coffer.engine.catalog;

/**
 * The lead on an SQLite catalog: one server uses the file, so it always leads. (Two processes on one file
 * would both lead; the scheduler's conditional writes keep them from doubling a run.) Thread-safe.
 */
final class SoleLeadership implements Leadership {
    @Override
    public boolean lead() {
        return true;
    }

    @Override
    public void close() {
    }
}

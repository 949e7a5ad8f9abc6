package coffer.engine.operation;

/**
 * The point an interrupted plan's run committed in the vault before its worker was lost, now in the catalog
 * ({@code adoptedNow}: this look wrote its row), as the result its retry ends with; {@code result} null when it
 * committed none (the retry backs the slot up). Immutable.
 */
public record InterruptedRunPoint(String interruptedJob, BackupResult result, boolean adoptedNow) {
    /** No committed point (or not a retry of a lost run). */
    public static final InterruptedRunPoint NONE = new InterruptedRunPoint(null, null, false);

    public boolean found() {
        return result != null;
    }
}

package coffer.vault;

import java.io.IOException;
import java.time.Instant;

/** A point is held immutable until {@link #until()}: the vault refuses to delete it before then. */
public final class PointImmutableException extends IOException {
    private final String pointId;
    private final Instant until;

    public PointImmutableException(String pointId, Instant until) {
        super("point " + pointId + (Vault.FOREVER.equals(until) ? " is immutable for ever; it cannot be deleted"
                : " is immutable until " + until + "; it can be deleted after that"));
        this.pointId = pointId;
        this.until = until;
    }

    public String pointId() {
        return pointId;
    }

    public Instant until() {
        return until;
    }
}

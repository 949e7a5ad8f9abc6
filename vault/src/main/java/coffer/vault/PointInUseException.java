package coffer.vault;

import java.io.IOException;
import java.util.List;

/** A point is served (mounted, browsed, instantly restored) under a lease: the vault refuses to delete it meanwhile. */
public final class PointInUseException extends IOException {
    private final String pointId;

    public PointInUseException(String pointId, List<String> leases) {
        super("point " + pointId + " is in use and cannot be deleted while it is served: " + String.join("; ", leases));
        this.pointId = pointId;
    }

    public String pointId() {
        return pointId;
    }
}

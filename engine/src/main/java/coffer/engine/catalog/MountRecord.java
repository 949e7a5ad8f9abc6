package coffer.engine.catalog;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A point's disk mounted into a running instance (V9, docs/design/live-access.md): made by the mount job whose id is
 * {@code id}; {@code target} is the guest device once attached (null before); active while {@code endedAt} is null.
 * Times are kept to the millisecond, as the catalog stores them. Immutable.
 */
public record MountRecord(String id, String pointId, String disk, String instanceId, String hostId, String target,
                          String socket, Instant createdAt, Instant expiresAt, Instant endedAt, EndReason endReason,
                          String note) {
    /** Why a mount ended. */
    public enum EndReason { EXPIRED, UNMOUNTED, SERVER_STOPPED, INSTANCE_STOPPED, FAILED, STALE }

    public MountRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pointId, "pointId");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(socket, "socket");
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        endedAt = endedAt == null ? null : endedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    public boolean active() {
        return endedAt == null;
    }
}

package coffer.engine.operation;

import coffer.engine.catalog.MountRecord;

import java.time.Instant;

/**
 * One mount as shown: its id (the mount job's), the point and disk, the instance (name when known) and the guest
 * device, when it expires, and for an ended one when and why.
 */
public record MountView(String id, String point, String disk, String instanceId, String instance, String target,
                        Instant createdAt, Instant expiresAt, boolean active, Instant endedAt, String endReason, String note) {
    public static MountView of(MountRecord m, String instanceName) {
        return new MountView(m.id(), m.pointId(), m.disk(), m.instanceId(), instanceName, m.target(), m.createdAt(),
                m.expiresAt(), m.active(), m.endedAt(), m.endReason() == null ? null : m.endReason().name(), m.note());
    }
}

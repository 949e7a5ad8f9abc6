package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Mounts of points' disks into instances (V9). Implementations MUST be thread-safe. */
public interface Mounts {
    /** Records a mount being made (not attached yet: no target). */
    void create(MountRecord mount);

    /** The mount is attached as guest device {@code target}. */
    void attached(String id, String target);

    /** Ends an active mount; false when it had ended already (the first end stands). */
    boolean ended(String id, Instant at, MountRecord.EndReason reason, String note);

    Optional<MountRecord> find(String id);

    /** Active mounts, oldest first. */
    List<MountRecord> active();

    /** Active and ended mounts, newest first, at most {@code limit}. */
    List<MountRecord> recent(int limit);
}

package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Mounts of points' disks into instances (V9). Implementations MUST be thread-safe. */
public interface Mounts {
    /**
     * Queues the job of {@code mount} (its point and instance resolved to their ids) on {@code hostId}, unless that disk
     * of the point is mounted into the instance or being mounted: an active mount, or a mount job of the same disk,
     * point and instance queued or running whose mount has not ended ({@code AlreadyMounted}, naming it). Checked and
     * queued in one transaction, serialized per point, so two identical requests at once queue one job
     * (docs/design/live-access.md, "The mount job").
     */
    coffer.engine.job.Job queue(coffer.engine.operation.MountDisk mount, String hostId);

    /** Records a mount being made (not attached yet: no target). */
    void create(MountRecord mount);

    /** The mount is attached as guest device {@code target}. */
    void attached(String id, String target);

    /** Ends an active mount; false when it had ended already (the first end stands). */
    boolean ended(String id, Instant at, MountRecord.EndReason reason, String note);

    /**
     * A mount as the agent serving it has it (docs/design/agents.md): added when new, its target set once attached, its
     * end recorded once (the first end stands, as {@link #ended}).
     */
    void mirror(MountRecord mount);

    Optional<MountRecord> find(String id);

    /** Active mounts, oldest first. */
    List<MountRecord> active();

    /** Active and ended mounts, newest first, at most {@code limit}. */
    List<MountRecord> recent(int limit);

    /**
     * One page of mounts newest first (by creation, then id) after {@code after} (null: the first page), at most
     * {@code limit}: only the active ones (not ended) unless {@code ended}.
     */
    Page<MountRecord> page(boolean ended, PageCursor after, int limit);
}

package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Change samples and change alerts of instances (V6). Implementations MUST be thread-safe.
 */
public interface ChangeAlerts {
    /** Stores the sample of a point (a second sample of the same point replaces the first). */
    void recordSample(ChangeSample sample);

    /** The instance's samples taken before {@code before}, newest first, at most {@code limit}. */
    List<ChangeSample> samplesBefore(String instanceId, Instant before, int limit);

    /**
     * {@link #samplesBefore} of each of the instances, by instance id (an instance without samples is absent): one
     * statement per 500 instances, not one per instance (a group backup's claim reads its members' samples).
     */
    java.util.Map<String, List<ChangeSample>> samplesBefore(java.util.Collection<String> instanceIds, Instant before,
                                                            int limit);

    void raise(ChangeAlert alert);

    Optional<ChangeAlert> find(String alertId);

    /** The instance's alerts nobody has acknowledged, oldest first. */
    List<ChangeAlert> unacknowledged(String instanceId);

    /** Every alert nobody has acknowledged, oldest first. */
    List<ChangeAlert> unacknowledged();

    /** Every instance's alerts, acknowledged ones too, newest first, at most {@code limit}. */
    List<ChangeAlert> recent(int limit);

    /**
     * One page of alerts newest first (by raising time, then id), after {@code after} (null: the first page), at most
     * {@code limit}: of {@code instanceId} (null: every instance's), only the standing ones when {@code standingOnly}.
     */
    Page<ChangeAlert> page(String instanceId, boolean standingOnly, PageCursor after, int limit);

    /** The instance's alerts, newest first, at most {@code limit}. */
    List<ChangeAlert> ofInstance(String instanceId, int limit);

    /**
     * Marks the alert acknowledged by {@code by} at {@code at} with an optional note; false when there is no such
     * alert or it was acknowledged already (the first acknowledgement stands).
     */
    boolean acknowledge(String alertId, String by, Instant at, String note);
}

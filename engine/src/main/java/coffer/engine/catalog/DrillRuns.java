package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** Restore drills that ran (V6). Implementations MUST be thread-safe. */
public interface DrillRuns {
    void record(DrillRun run);

    /** The instance's drills, newest first, at most {@code limit}. */
    List<DrillRun> ofInstance(String instanceId, int limit);

    /** The drill of the point that passed last: "proven bootable at …". */
    Optional<DrillRun> lastPassed(String pointId);

    /**
     * {@link #ofInstance} of each of the instances, by instance id (an instance without drills is absent): one
     * statement per 500 instances, not one per instance.
     */
    java.util.Map<String, List<DrillRun>> ofInstances(java.util.Collection<String> instanceIds, int limit);

    /**
     * Of each of the instances, the newest passed drill of one of its current points (its "proven bootable at"), by
     * instance id (an instance without one is absent): one statement per 500 instances, not one per point.
     */
    java.util.Map<String, DrillRun> lastPassedOfInstances(java.util.Collection<String> instanceIds);

    /**
     * For each instance that has points and a drill: its name (null when the instance row is gone), its newest drill
     * and its newest passed drill of one of its points (its "proven bootable at"), by instance id. Two grouped queries
     * whatever the number of points: the metrics read it on every scrape.
     */
    List<Drilled> latestOfInstancesWithPoints();

    /** An instance's newest drill and newest passed drill of one of its current points. */
    record Drilled(String instanceId, String instanceName, DrillRun last, Optional<DrillRun> proven) {
    }
}

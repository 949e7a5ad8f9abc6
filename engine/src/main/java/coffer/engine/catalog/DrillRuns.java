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
}

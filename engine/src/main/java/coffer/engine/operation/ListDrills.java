package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Restore drills of an instance (default: every instance with points), newest first, at most {@code limit} per
 * instance (1-1000, default 20), with each instance's last passed drill ("proven bootable at").
 */
public record ListDrills(String instance, Integer limit) implements Operation<DrillList> {
    public ListDrills {
        Problems problems = new Problems();
        if (limit != null && (limit < 1 || limit > 1000)) {
            problems.add("limit", "a whole number from 1 to 1000, got '" + limit + "'");
        }
        problems.throwIfAny("drill list request");
    }

    public int limitOrDefault() {
        return limit == null ? 20 : limit;
    }
}

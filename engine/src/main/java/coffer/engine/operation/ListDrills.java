package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Restore drills of an instance (default: every instance with points), one page of instances by name (then id) of at
 * most {@code limit} (1-1000, default 100) after {@code cursor} (the previous page's {@code nextCursor}; null: the
 * first page), each with its last passed drill ("proven bootable at") and its newest {@code drills} drills (1-1000,
 * default 20), newest first.
 */
public record ListDrills(String instance, String cursor, Integer limit, Integer drills) implements Operation<DrillList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int DEFAULT_DRILLS = 20;

    public ListDrills {
        Problems problems = new Problems();
        Rules.namePage(problems, cursor, limit, 1000); // a cursor of another list's kind refused here
        if (drills != null && (drills < 1 || drills > 1000)) {
            problems.add("drills", "a whole number from 1 to 1000, got '" + drills + "'");
        }
        problems.throwIfAny("drill list request");
    }

    /** The first page, with at most {@code drills} drills of each instance. */
    public ListDrills(String instance, Integer drills) {
        this(instance, null, null, drills);
    }

    public int limitOrDefault() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }

    public int drillsOrDefault() {
        return drills == null ? DEFAULT_DRILLS : drills;
    }
}

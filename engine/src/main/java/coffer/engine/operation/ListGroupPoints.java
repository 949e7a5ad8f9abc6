package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * One page of group points, oldest first (by instant, then id): of {@code group} (id or name), or of every group when
 * null; the page after {@code cursor} (the previous page's {@code nextCursor}); at most {@code limit} (1 to
 * {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}). Offline (a vault's group manifests) every one in one answer.
 */
public record ListGroupPoints(String group, String cursor, Integer limit) implements Operation<GroupPointList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public ListGroupPoints {
        Problems problems = new Problems();
        Rules.page(problems, null, null, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("group point list request");
    }

    /** The first page of the group points of {@code group} (null: of every group). */
    public ListGroupPoints(String group) {
        this(group, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListGroupPoints next(String next) {
        return new ListGroupPoints(group, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

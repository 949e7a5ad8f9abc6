package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * One page of the consistency groups, by name: of one {@code host} when given; the page after {@code cursor} (the
 * previous page's {@code nextCursor}); at most {@code limit} (1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}).
 */
public record ListGroups(String host, String cursor, Integer limit) implements Operation<GroupList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public ListGroups {
        Problems problems = new Problems();
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("group list request");
    }

    /** The first page of every group. */
    public ListGroups() {
        this(null, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListGroups next(String next) {
        return new ListGroups(host, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * The verify runs of a vault (default: every vault), newest first (by finish, then id), one page of at most
 * {@code limit} (1-1000, default 100) after {@code cursor} (the previous page's {@code nextCursor}; null: the first
 * page).
 */
public record ListVerifyRuns(String vault, String cursor, Integer limit) implements Operation<VerifyRunList> {
    public static final int DEFAULT_LIMIT = 100;

    public ListVerifyRuns {
        Problems problems = new Problems();
        Rules.page(problems, null, null, cursor, limit, 1000); // a cursor of another list's kind refused here
        problems.throwIfAny("verify list request");
    }

    /** The first page. */
    public ListVerifyRuns(String vault, Integer limit) {
        this(vault, null, limit);
    }

    public int limitOrDefault() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

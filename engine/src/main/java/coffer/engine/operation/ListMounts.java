package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Mounts: the active ones, or with {@code all} also those ended lately; newest first (by creation, then id), one page
 * of at most {@code limit} (1-1000, default 100) after {@code cursor} (the previous page's {@code nextCursor}; null:
 * the first page).
 */
public record ListMounts(Boolean all, String cursor, Integer limit) implements Operation<MountList> {
    public static final int DEFAULT_LIMIT = 100;

    public ListMounts {
        Problems problems = new Problems();
        Rules.page(problems, null, null, cursor, limit, 1000); // a cursor of another list's kind refused here
        problems.throwIfAny("mount list request");
    }

    /** The first page. */
    public ListMounts(Boolean all) {
        this(all, null, null);
    }

    public boolean includeEnded() {
        return Rules.flag(all);
    }

    public int limitOrDefault() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

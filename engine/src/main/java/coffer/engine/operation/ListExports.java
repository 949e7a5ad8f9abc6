package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * The export records: the export jobs, newest first (by creation, then id), one page of at most {@code limit} (1-1000,
 * default 100) after {@code cursor} (the previous page's {@code nextCursor}; null: the first page), each with its state
 * and, once made, its archive.
 */
public record ListExports(String cursor, Integer limit) implements Operation<ExportList> {
    public static final int DEFAULT_LIMIT = 100;

    public ListExports {
        Problems problems = new Problems();
        Rules.page(problems, null, null, cursor, limit, 1000); // a cursor of another list's kind refused here
        problems.throwIfAny("export list request");
    }

    /** The first page of the newest {@value #DEFAULT_LIMIT}. */
    public ListExports() {
        this(null, null);
    }

    public int limitOrDefault() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

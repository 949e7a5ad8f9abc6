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
        if (limit != null && (limit < 1 || limit > 1000)) {
            problems.add("limit", "a whole number from 1 to 1000, got '" + limit + "'");
        }
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

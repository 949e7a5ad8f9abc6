package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * One page of a job's log, oldest line first: {@code limit} lines (1-{@value #MAX_LIMIT}, default
 * {@value #DEFAULT_LIMIT}) after {@code cursor} (a previous page's {@link JobLog#nextCursor}; null: from the first line).
 */
public record ShowJobLog(String job, String cursor, Integer limit) implements Operation<JobLog> {
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 1000;

    public ShowJobLog {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the job's id");
        Rules.page(problems, null, null, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("show job log request");
    }

    /** The first page. */
    public ShowJobLog(String job) {
        this(job, null, null);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

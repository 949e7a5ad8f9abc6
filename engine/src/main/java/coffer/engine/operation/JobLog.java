package coffer.engine.operation;

import java.util.List;

/**
 * One page of a job's log, oldest line first. {@code count} is the page's length; {@code nextCursor} asks for the next
 * page ({@link ShowJobLog#cursor}), null on the last.
 */
public record JobLog(List<coffer.engine.job.JobLogEntry> entries, int count, String nextCursor) {
    public JobLog {
        entries = List.copyOf(entries);
    }

    /** Every line given, as one page (no next). */
    public static JobLog of(List<coffer.engine.job.JobLogEntry> entries) {
        return new JobLog(entries, entries.size(), null);
    }

    public static JobLog of(coffer.engine.catalog.Page<coffer.engine.job.JobLogEntry> page) {
        return new JobLog(page.items(), page.items().size(), page.next() == null ? null : page.next().encode());
    }
}

package coffer.engine.operation;

import java.util.List;

/** A job's log lines, oldest first. {@code count} is the list's length. */
public record JobLog(List<coffer.engine.job.JobLogEntry> entries, int count) {
    public JobLog {
        entries = List.copyOf(entries);
    }

    public static JobLog of(List<coffer.engine.job.JobLogEntry> entries) {
        return new JobLog(entries, entries.size());
    }
}

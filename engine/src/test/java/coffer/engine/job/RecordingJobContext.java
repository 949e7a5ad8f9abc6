package coffer.engine.job;

import coffer.engine.JobProgress;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test helper: a job's context that keeps its log lines (info and warning, in order) and, apart, its warnings; no
 * progress. Thread-safe.
 */
public final class RecordingJobContext implements JobContext {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    /** The lines logged so far, in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines logged so far as warnings, in order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public JobProgress progress() {
        return JobProgress.NONE;
    }

    @Override
    public void info(String message) {
        lines.add(message);
    }

    @Override
    public void warning(String message) {
        lines.add(message);
        warnings.add(message);
    }
}

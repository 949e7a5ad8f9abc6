package coffer.engine.operation;

/** The export records: every export job, newest first (at most 100), with its state and, once made, its archive. */
public record ListExports() implements Operation<ExportList> {
}

package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Remove an export before its expiry (docs/design/live-access.md): an available archive is deleted and its record
 * reads {@code deleted}; a queued or running export is cancelled (its partial archive removed) and reads
 * {@code cancelled}. Either way it can no longer be downloaded.
 */
public record DeleteExport(String export) implements Operation<ExportView> {
    public DeleteExport {
        Problems problems = new Problems();
        Rules.required(problems, "export", export, "the export's id");
        problems.throwIfAny("delete export request");
    }
}

package coffer.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * An export made: its id (the job's), what it holds, the archive's size and SHA-256, what was written and left out
 * (special files, names that are not one plain component), and until when it can be downloaded.
 */
public record ExportResult(String export, String point, String disk, String filesystem, List<String> paths, long bytes,
                           String sha256, long files, long directories, long links, long skipped, Instant expiresAt) {
    public ExportResult {
        paths = List.copyOf(paths);
    }
}

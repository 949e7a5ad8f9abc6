package coffer.engine.live;

import java.nio.file.Path;

/**
 * What a server gives its live access to points (docs/design/live-access.md): its export area (null: export jobs are
 * refused, as on a worker without one) and its browsing sessions, shared by the API's listings and the export jobs.
 * Immutable; thread-safe as its parts.
 */
public record LiveAccess(ExportArea exports, BrowseSessions browsing) {
    public LiveAccess {
        if (browsing == null) {
            throw new IllegalArgumentException("live access needs browsing sessions (BrowseSessions.oneOff keeps none)");
        }
    }

    /** No export area; each browsing request boots its own appliance. */
    public static LiveAccess none(Path runtimeRoot) {
        return new LiveAccess(null, BrowseSessions.oneOff(runtimeRoot));
    }
}

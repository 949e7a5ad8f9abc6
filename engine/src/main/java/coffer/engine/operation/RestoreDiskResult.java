package coffer.engine.operation;

import coffer.engine.instance.InPlaceWrite;

/**
 * A disk restored: the point, the disk's target, and the file written; in place, how it was written ({@code write}:
 * a quick rollback or the full write, and why; docs/design/change-tracking.md, "Quick rollback"), else null.
 */
public record RestoreDiskResult(String point, String disk, String file, InPlaceWrite write) {
    public RestoreDiskResult(String point, String disk, String file) {
        this(point, disk, file, null);
    }
}

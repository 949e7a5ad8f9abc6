package coffer.engine.operation;

/** A disk restored: the point, the disk's target, and the file written. */
public record RestoreDiskResult(String point, String disk, String file) {
}

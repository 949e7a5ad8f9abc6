package coffer.engine.catalog;

/** A disk of a discovered instance; {@code unsupportedReason} is null when it can be backed up. */
public record InstanceDisk(String target, String device, String format, String source, long virtualSize,
                           long allocatedSize, String unsupportedReason) {
}

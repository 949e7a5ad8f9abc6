package coffer.engine.instance;

import coffer.engine.ByteSize;
import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * How an in-place restore wrote one disk (docs/design/change-tracking.md, "Quick rollback"): {@code quick}, only the
 * ranges that changed since {@code since} (the instance's newest point, whose checkpoint the disk's dirty bitmap
 * belongs to) or differ between it and the restored point, the checkpoints kept; or {@code full}, every byte of the
 * point, for {@code reason}. Immutable.
 *
 * @param mode         {@code quick} or {@code full}
 * @param bytesWritten the bytes written over the disk (a full write: the disk's size)
 * @param diskSize     the disk's size
 * @param since        quick: the point the disk's dirty bitmap started at; else null
 * @param reason       full: why not quick; else null
 * @param summary      one line for logs and output, e.g. "quick rollback: wrote 12.3 MiB of 4.0 GiB (changed since
 *                     point X)" or "full write: raw disk: ..."
 */
public record InPlaceWrite(String disk, String mode, long bytesWritten, long diskSize, String since, String reason,
                           String summary) {
    public static final String QUICK = "quick";
    public static final String FULL = "full";

    public static InPlaceWrite quick(String disk, long bytesWritten, long diskSize, String since) {
        return new InPlaceWrite(disk, QUICK, bytesWritten, diskSize, since, null, "quick rollback: wrote "
                + ByteSize.of(bytesWritten) + " of " + ByteSize.of(diskSize) + " (changed since point " + since + ")");
    }

    public static InPlaceWrite full(String disk, long diskSize, String reason) {
        return new InPlaceWrite(disk, FULL, diskSize, diskSize, null, reason, "full write: " + reason);
    }

    /** Not a JSON field ({@code mode} says it): a client reading a job's result strictly would refuse it. */
    @JsonIgnore
    public boolean isQuick() {
        return QUICK.equals(mode);
    }
}

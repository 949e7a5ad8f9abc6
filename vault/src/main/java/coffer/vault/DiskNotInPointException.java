package coffer.vault;

import java.io.IOException;

/** The point exists but has no disk of the given name; the message lists the disks it has. */
public final class DiskNotInPointException extends IOException {
    public DiskNotInPointException(String message) {
        super(message);
    }
}

package coffer.virt.guestfs;

import java.io.IOException;

/**
 * A libguestfs call failed: which call, with which argument, and libguestfs's own message (e.g. "No such file or
 * directory", or the appliance's boot failure). Immutable; thread-safe.
 */
public final class GuestfsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    GuestfsException(String call, String message, int errno) {
        super("libguestfs " + call + " failed: " + (message == null ? "no message" : message));
        this.errno = errno;
    }

    /** The error number libguestfs reported (e.g. 2 ENOENT), or 0. */
    public int errno() {
        return errno;
    }
}

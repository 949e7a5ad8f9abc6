package coffer.virt.nbd;

import java.io.IOException;

/**
 * The peer broke the NBD protocol (bad magic, a reply for another request, data outside the requested range,
 * an oldstyle-only server). The connection is unusable afterwards and is closed.
 *
 * <p>Immutable; thread-safe.
 */
public final class NbdProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    NbdProtocolException(String peer, String what) {
        super("NBD protocol violation by " + peer + ": " + what);
    }
}

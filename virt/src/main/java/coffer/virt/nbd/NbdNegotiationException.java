package coffer.virt.nbd;

import java.io.IOException;

/**
 * The NBD server refused an option during the handshake, e.g. {@code NBD_REP_ERR_UNKNOWN} for an export it
 * does not have, or {@code NBD_REP_ERR_TLS_REQD}. Carries the option, the reply type and the server's message.
 *
 * <p>Also thrown when a caller asks for a meta context the server did not agree to.
 *
 * <p>Immutable; thread-safe.
 */
public final class NbdNegotiationException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String option;
    private final String reply;

    NbdNegotiationException(String export, int option, int reply, String serverMessage) {
        super(Protocol.optionName(option) + " for " + export + " refused with " + Protocol.replyName(reply)
                + (serverMessage == null || serverMessage.isEmpty() ? "" : ": " + serverMessage));
        this.option = Protocol.optionName(option);
        this.reply = Protocol.replyName(reply);
    }

    NbdNegotiationException(String message) {
        super(message);
        this.option = "";
        this.reply = "";
    }

    /** The refused option, e.g. {@code NBD_OPT_GO}; empty when not about one option. */
    public String option() {
        return option;
    }

    /** The server's reply type, e.g. {@code NBD_REP_ERR_UNKNOWN}; empty when not about one option. */
    public String reply() {
        return reply;
    }
}

package coffer.virt.agent;

import java.io.IOException;

/**
 * A guest agent command that did not succeed: which command on which domain, why ({@link #kind()}), and the
 * agent's or libvirt's message.
 *
 * <p>Immutable; thread-safe.
 */
public final class GuestAgentException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a command did not succeed. */
    public enum Kind {
        /** The domain has no {@code org.qemu.guest_agent.0} channel, or is not running. */
        NO_AGENT,
        /** The channel exists but no agent answered (not installed, not started, hung) within the timeout. */
        UNRESPONSIVE,
        /** The agent answered with an error (e.g. a command disabled while frozen, a missing file). */
        COMMAND_FAILED,
        /** The agent's reply could not be understood. */
        BAD_REPLY
    }

    private final Kind kind;
    private final String command;
    private final String agentMessage;

    /** {@code agentMessage} may be the guest's own text: it is kept {@link GuestText#printable printable}. */
    public GuestAgentException(Kind kind, String domain, String command, String agentMessage, Throwable cause) {
        String printable = GuestText.printable(agentMessage);
        super(command + " on domain '" + domain + "': " + describe(kind) + ": " + printable, cause);
        this.kind = kind;
        this.command = command;
        this.agentMessage = printable;
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case NO_AGENT -> "no guest agent channel";
            case UNRESPONSIVE -> "the guest agent did not answer";
            case COMMAND_FAILED -> "the guest agent reported an error";
            case BAD_REPLY -> "unexpected reply";
        };
    }

    public Kind kind() {
        return kind;
    }

    /** The agent command, e.g. {@code guest-fsfreeze-freeze}. */
    public String command() {
        return command;
    }

    /** The agent's (or libvirt's) own message, without the command and domain. */
    public String agentMessage() {
        return agentMessage;
    }
}

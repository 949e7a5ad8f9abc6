package coffer.virt.nbd;

import java.io.IOException;

/**
 * The NBD server answered a command with an error: what (command, error number), where (export, offset,
 * length) and the server's own message when it sent one.
 *
 * <p>The connection stays usable after this exception: the whole reply was consumed. Faults that leave the
 * stream in an unknown state are {@link NbdProtocolException} or plain I/O errors instead.
 *
 * <p>Immutable; thread-safe.
 */
public final class NbdException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int error;
    private final String command;
    private final long offset;
    private final long length;
    private final String serverMessage;

    NbdException(String export, int command, long offset, long length, int error, String serverMessage) {
        super(Protocol.commandName(command) + " offset=" + offset + " length=" + length + " on " + export
                + " failed: " + Protocol.errorName(error) + " (" + error + ")"
                + (serverMessage == null || serverMessage.isEmpty() ? "" : ": " + serverMessage));
        this.error = error;
        this.command = Protocol.commandName(command);
        this.offset = offset;
        this.length = length;
        this.serverMessage = serverMessage == null ? "" : serverMessage;
    }

    /** The NBD error number (Linux errno values: 1 EPERM, 5 EIO, 12 ENOMEM, 22 EINVAL, 28 ENOSPC, ...). */
    public int error() {
        return error;
    }

    /** The symbolic name of {@link #error()}, e.g. {@code EINVAL}. */
    public String errorName() {
        return Protocol.errorName(error);
    }

    /** The failed command, e.g. {@code NBD_CMD_READ}. */
    public String command() {
        return command;
    }

    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    /** The server's explanation from an error chunk, or empty. */
    public String serverMessage() {
        return serverMessage;
    }
}

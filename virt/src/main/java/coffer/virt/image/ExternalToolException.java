package coffer.virt.image;

import java.io.IOException;
import java.util.List;

/**
 * An external program ({@code qemu-img}, {@code qemu-nbd}) failed: what it was asked to do, for which image,
 * its exit status and the end of what it wrote to stderr, which is where QEMU explains itself.
 *
 * <p>Immutable; thread-safe.
 */
public final class ExternalToolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Exit status when the program never ran or was killed for taking too long. */
    public static final int NO_EXIT_STATUS = -1;

    private final List<String> command;
    private final int exitStatus;
    private final String stderr;

    ExternalToolException(String what, List<String> command, int exitStatus, String stderr, Throwable cause) {
        super(what + (exitStatus == NO_EXIT_STATUS ? "" : " (exit status " + exitStatus + ")")
                + (stderr.isBlank() ? "" : ": " + stderr.strip()), cause);
        this.command = List.copyOf(command);
        this.exitStatus = exitStatus;
        this.stderr = stderr;
    }

    /** The command line that was run. */
    public List<String> command() {
        return command;
    }

    public int exitStatus() {
        return exitStatus;
    }

    /** The tail of the program's stderr. */
    public String stderr() {
        return stderr;
    }
}

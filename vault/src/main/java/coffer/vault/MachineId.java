package coffer.vault;

import java.nio.file.Path;

/**
 * This machine's identity as systemd keeps it ({@code /etc/machine-id}, read by Coffer on the host, never from a
 * guest), as 32 lowercase hex digits: recorded beside the host name, pid and boot id in a lock's, lease's or claim's
 * body, a drill copy's mark, and since session 24 a writer directory's name and a job worker id
 * (docs/format/lock.md). It stays the same across reboots, so with the boot history of
 * {@link EarlierBoots} it lets this machine tell its own records of an earlier boot (whose processes are all gone) from
 * another machine's ({@link BootId#earlierBootOfThisMachine}). It is not enough alone: machines made from one cloned
 * image often share it too (docs/design/locking.md, session 23).
 *
 * <p>Thread-safe.
 */
public final class MachineId {
    private static final Path FILE = Path.of("/etc/machine-id");

    private MachineId() {
    }

    /** This machine's id (32 lowercase hex digits), or null where there is none (not systemd, not Linux). */
    public static String get() {
        return Holder.ID;
    }

    private static final class Holder {
        static final String ID = BootId.read(FILE);
    }
}

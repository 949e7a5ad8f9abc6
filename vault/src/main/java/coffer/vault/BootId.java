package coffer.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * This machine's current boot, as the Linux kernel names it ({@code /proc/sys/kernel/random/boot_id}: a random UUID
 * drawn at every boot), written as 32 lowercase hex digits beside the host name and pid in what says which process
 * holds something (a vault lock's, lease's or claim's body, an unfinished-point marker, a writer directory's name, a
 * job's worker id; docs/format/lock.md). Two machines given one host name (made from one cloned image, whose
 * {@code /etc/machine-id} is often the same too) differ in it, and so does one machine after a reboot (where a pid of
 * the record no longer means the same process either).
 *
 * <p>A record may be judged "its process is gone" at once only by a process of the same host name <em>and</em> boot
 * ({@link #sameBoot}); a record of another boot is another host's and is judged by its age (a lock's staleness, a
 * job's heartbeat). A record written before the boot id existed (no boot) is judged by its host name alone, as it was.
 * Where the kernel does not say (not Linux), none is written and records of other boots are never this one's.
 *
 * <p>Thread-safe.
 */
public final class BootId {
    private static final Path KERNEL = Path.of("/proc/sys/kernel/random/boot_id");

    private BootId() {
    }

    /** This boot's id (32 lowercase hex digits), or null where the kernel does not say. */
    public static String get() {
        return Holder.ID;
    }

    /**
     * Whether a record naming {@code boot} (null: a record of an earlier format, written before the boot id) may have
     * been written in this boot of this machine, given that its host name is this host's: always for an old record
     * (judged by its host name, as before), else only when its boot is this one.
     */
    public static boolean sameBoot(String boot) {
        return boot == null || boot.equals(get());
    }

    /**
     * Whether a record of this host name naming {@code boot} and {@code machine} ({@link MachineId}; null in a record
     * written before session 23) was written by this machine in one of its earlier boots, so that its process is gone
     * whatever its pid: its machine id is this machine's and its boot one this machine remembers having had
     * ({@link EarlierBoots}) and not this one. Another machine of this host name (even one sharing the machine id, made
     * from one cloned image), and a record without a machine id, never are: they are judged by their age.
     */
    public static boolean earlierBootOfThisMachine(String boot, String machine) {
        return boot != null && machine != null && !boot.equals(get()) && machine.equals(MachineId.get())
                && EarlierBoots.contains(boot);
    }

    private static final class Holder {
        static final String ID = read(KERNEL);
    }

    /** The boot id in {@code file} as 32 lowercase hex digits; null when it does not read as one. */
    static String read(Path file) {
        try {
            String hex = Files.readString(file).strip().replace("-", "").toLowerCase(Locale.ROOT);
            return hex.matches("[0-9a-f]{32}") ? hex : null;
        } catch (IOException | RuntimeException notLinux) {
            return null;
        }
    }
}

package coffer.engine.drill;

import coffer.vault.BootId;
import coffer.vault.EarlierBoots;
import coffer.vault.MachineId;
import coffer.vault.fs.FileTree;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A drill's throwaway copy: its domain name, its disk directory, and the description that marks it as a drill's
 * ({@code coffer-drill point=<id> owner=<pid>@<host> boot=<boot> machine=<machine> since=<instant> dir=<path>}), so
 * that a copy left by a drill whose process died can be recognized and removed ({@link DrillLeftovers}). {@link #remove}
 * destroys and undefines the domain and deletes the directory; it is safe to call whatever exists.
 *
 * <p>Whose copy is abandoned is judged like a vault lock's holder (docs/design/locking.md, "Whose process is gone"):
 * at once when its process is of this host name and boot ({@link BootId}) and no longer runs, or of an earlier boot of
 * this machine ({@link BootId#earlierBootOfThisMachine}); any other copy (another machine of the same host name,
 * another host) only once it is older than {@link #ABANDONED_AFTER}. The {@code boot}, {@code machine} and {@code
 * since} fields came in session 23 (the latter two absent where unknown); a mark without them (written before) is
 * judged by its host name and pid alone, as before, and a copy of another host with such a mark is never removed.
 *
 * @param ownerBoot    the drill's boot id; null in a mark written before session 23 or where the kernel does not say
 * @param ownerMachine the drill's machine id ({@link MachineId}); null where unknown
 * @param since        when the copy was made; null in a mark written before session 23
 *
 * <p>Immutable; thread-safe.
 */
record DrillCopy(String name, Path directory, String pointId, long ownerPid, String ownerHost, String ownerBoot,
                 String ownerMachine, Instant since) {
    static final String PREFIX = "coffer-drill-";
    /** How old a copy whose process cannot be judged from here must be to be taken for abandoned. */
    static final Duration ABANDONED_AFTER = Duration.ofDays(2);
    private static final Pattern MARK = Pattern.compile(
            "^coffer-drill point=(\\S+) owner=(\\d+)@(\\S+)((?: (?:boot|machine|since)=\\S+)*) dir=(.+)$");
    private static final Pattern FIELD = Pattern.compile(" (boot|machine|since)=(\\S+)");

    /** A copy as marked before session 23 (no boot, machine or age). */
    DrillCopy(String name, Path directory, String pointId, long ownerPid, String ownerHost) {
        this(name, directory, pointId, ownerPid, ownerHost, null, null, null);
    }

    static DrillCopy of(String drillId, Path root, String pointId) {
        EarlierBoots.rememberThisBoot();
        return new DrillCopy(PREFIX + drillId, root.resolve(drillId), pointId, ProcessHandle.current().pid(), thisHost(),
                BootId.get(), MachineId.get(), Instant.now());
    }

    /** The description the copy's definition carries. */
    String description() {
        return "coffer-drill point=" + pointId + " owner=" + ownerPid + "@" + ownerHost
                + (ownerBoot == null ? "" : " boot=" + ownerBoot)
                + (ownerMachine == null ? "" : " machine=" + ownerMachine)
                + (since == null ? "" : " since=" + since)
                + " dir=" + directory;
    }

    /** The copy a domain's name and description describe, if they are a drill's. */
    static Optional<DrillCopy> parse(String name, String description) {
        Matcher m = MARK.matcher(description.strip());
        if (!name.startsWith(PREFIX) || !m.matches()) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        Matcher field = FIELD.matcher(m.group(4));
        while (field.find()) {
            fields.putIfAbsent(field.group(1), field.group(2));
        }
        Instant since;
        try {
            since = fields.containsKey("since") ? Instant.parse(fields.get("since")) : null;
        } catch (java.time.format.DateTimeParseException e) {
            since = null;
        }
        return Optional.of(new DrillCopy(name, Path.of(m.group(5)), m.group(1), Long.parseLong(m.group(2)), m.group(3),
                fields.get("boot"), fields.get("machine"), since));
    }

    /** {@link #abandoned(Instant)} now. */
    boolean abandoned() {
        return abandoned(Instant.now());
    }

    /**
     * Whether the drill that made it is gone: its process, of this host and boot, no longer runs, or ran in an earlier
     * boot of this machine; else (a copy whose process cannot be judged from here) whether it is older than
     * {@link #ABANDONED_AFTER} at {@code now}.
     */
    boolean abandoned(Instant now) {
        if (ownerHost.equals(thisHost()) && BootId.sameBoot(ownerBoot)) {
            return ProcessHandle.of(ownerPid).map(p -> !p.isAlive()).orElse(true);
        }
        if (ownerHost.equals(thisHost()) && BootId.earlierBootOfThisMachine(ownerBoot, ownerMachine)) {
            return true;
        }
        return since != null && since.isBefore(now.minus(ABANDONED_AFTER));
    }

    /** {@link #remove(Libvirt, boolean)} with the directory. */
    List<String> remove(Libvirt libvirt) {
        return remove(libvirt, true);
    }

    /**
     * Destroys (if running) and undefines the domain (with its NVRAM and checkpoint metadata) and, with
     * {@code withDirectory}, deletes the directory; returns what could not be removed (empty when all went). Runs to
     * its end even on an interrupted thread (whose interrupt is kept). A domain that goes meanwhile (another cleaner
     * removed it: {@code VIR_ERR_NO_DOMAIN} at any step) counts as removed, and the directory is still deleted.
     */
    List<String> remove(Libvirt libvirt, boolean withDirectory) {
        boolean interrupted = Thread.interrupted();
        List<String> problems = new ArrayList<>();
        try {
            try {
                if (libvirt.domain(name).isPresent()) {
                    if (libvirt.state(name).active()) {
                        libvirt.destroy(name);
                    }
                    libvirt.undefine(name, Libvirt.UNDEFINE_NVRAM | Libvirt.UNDEFINE_CHECKPOINTS_METADATA
                            | Libvirt.UNDEFINE_SNAPSHOTS_METADATA | Libvirt.UNDEFINE_MANAGED_SAVE);
                }
            } catch (LibvirtException e) {
                if (!gone(e)) {
                    problems.add("domain " + name + ": " + e.getMessage());
                }
            }
            try {
                if (withDirectory && Files.exists(directory)) {
                    FileTree.delete(directory);
                }
            } catch (IOException e) {
                problems.add("directory " + directory + ": " + e.getMessage());
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return problems;
    }

    /**
     * Whether {@code e} says the domain no longer exists ({@code VIR_ERR_NO_DOMAIN}): another cleaner (a drill's
     * {@link DrillLeftovers}, a server's or an agent's start) removed it between a look and a call; it counts as removed.
     */
    static boolean gone(LibvirtException e) {
        return e.code() == LibvirtException.NO_DOMAIN;
    }

    static String thisHost() {
        return coffer.vault.HostName.get();
    }
}

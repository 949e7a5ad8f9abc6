package coffer.engine.drill;

import coffer.vault.fs.FileTree;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A drill's throwaway copy: its domain name, its disk directory, and the description that marks it as a drill's
 * ({@code coffer-drill point=<id> owner=<pid>@<host> dir=<path>}), so that a copy left by a drill whose process died
 * can be recognized and removed ({@link DrillLeftovers}). {@link #remove} destroys and undefines the domain and deletes
 * the directory; it is safe to call whatever exists.
 *
 * <p>Immutable; thread-safe.
 */
record DrillCopy(String name, Path directory, String pointId, long ownerPid, String ownerHost) {
    static final String PREFIX = "coffer-drill-";
    private static final Pattern MARK = Pattern.compile("^coffer-drill point=(\\S+) owner=(\\d+)@(\\S+) dir=(.+)$");

    static DrillCopy of(String drillId, Path root, String pointId) {
        return new DrillCopy(PREFIX + drillId, root.resolve(drillId), pointId, ProcessHandle.current().pid(), thisHost());
    }

    /** The description the copy's definition carries. */
    String description() {
        return "coffer-drill point=" + pointId + " owner=" + ownerPid + "@" + ownerHost + " dir=" + directory;
    }

    /** The copy a domain's name and description describe, if they are a drill's. */
    static Optional<DrillCopy> parse(String name, String description) {
        Matcher m = MARK.matcher(description.strip());
        if (!name.startsWith(PREFIX) || !m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new DrillCopy(name, Path.of(m.group(4)), m.group(1), Long.parseLong(m.group(2)), m.group(3)));
    }

    /** Whether the drill that made it is gone: its process, on this host, no longer runs. */
    boolean abandoned() {
        return ownerHost.equals(thisHost()) && ProcessHandle.of(ownerPid).map(p -> !p.isAlive()).orElse(true);
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

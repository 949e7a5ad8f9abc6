package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Host;
import coffer.engine.drill.DrillLeftovers;
import coffer.engine.error.Errors;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the copies of restore drills whose server died before it could (docs/reliability.md, session 19), at the
 * server's start: a copy boots and runs its checks for minutes, and one a killed server left went on running (memory,
 * CPU, its disks beneath the drills' directory) until the next drill on its host, a week later on the default schedule.
 * What is removed is what {@link DrillLeftovers} removes before each drill: abandoned copies (of a process of this
 * host and boot that no longer runs, of an earlier boot of this machine, or old). A host an agent serves is not
 * connected to (its URI is the agent's, maybe local to the agent's machine): its agent's start removes them ({@link #removeFrom}, on its working catalog; docs/design/agents.md).
 *
 * <p>Stateless; thread-safe.
 */
public final class StaleDrillCopies {
    private static final System.Logger LOG = System.getLogger(StaleDrillCopies.class.getName());

    private final Catalog catalog;
    private final HostConnections hosts;
    private final Path drillDirectory;

    public StaleDrillCopies(Catalog catalog, Path drillDirectory) {
        this.catalog = catalog;
        this.hosts = new HostConnections(catalog);
        this.drillDirectory = drillDirectory;
    }

    /**
     * Removes every abandoned drill copy on every host a server connects to (a host an agent serves is left to its
     * agent's start, {@link #removeFrom}); one line per copy removed or problem met.
     */
    public List<String> removeAll() {
        List<String> report = new ArrayList<>();
        Set<String> agents = new HashSet<>();
        catalog.hosts().agentServed().forEach(seen -> agents.add(seen.hostId()));
        for (Host host : catalog.hosts().list()) {
            if (!agents.contains(host.id())) {
                report.addAll(removeFrom(host.id()));
            }
        }
        return report;
    }

    /**
     * Removes the abandoned drill copies on {@code hostId} (an agent's start: its one host, its working catalog); one
     * line per copy removed or problem met. A host that cannot be reached is logged and answers none.
     */
    public List<String> removeFrom(String hostId) {
        List<String> report = new ArrayList<>();
        try (Libvirt libvirt = hosts.connect(hostId)) {
            List<String> warnings = new ArrayList<>();
            for (String removed : DrillLeftovers.clean(libvirt, drillDirectory, warnings)) {
                report.add("copy " + removed + " of a dead drill removed from host " + hostId);
            }
            warnings.forEach(w -> report.add("host " + hostId + ": " + w));
        } catch (RuntimeException | LibvirtException e) {
            LOG.log(System.Logger.Level.WARNING, "copies of dead drills on host " + hostId + " not looked for: "
                    + Errors.classify(e).getMessage());
        }
        return report;
    }
}

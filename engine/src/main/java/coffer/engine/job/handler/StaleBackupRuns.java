package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Host;
import coffer.engine.error.Errors;
import coffer.engine.instance.InstanceBackup;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes what backup runs of a killed server left on its hosts' instances, at the server's start (docs/reliability.md,
 * session 19): a pull-mode backup job still running on the domain (QEMU goes on copying every guest write into its
 * scratch file, and the domain takes no other job), its socket, scratch files and a shut-off run's qemu-nbd. Before,
 * they stayed until the next backup of that instance. Only when the runtime root holds a run directory whose owner
 * process is gone are hosts connected to; each domain whose uuid begins as such a directory's name is cleaned as its
 * next backup would ({@link InstanceBackup#cleanLeftovers(String)}). A host an agent serves is not connected to: the
 * agent does the same at its start (docs/design/agents.md).
 *
 * <p>Stateless; thread-safe.
 */
public final class StaleBackupRuns {
    private static final System.Logger LOG = System.getLogger(StaleBackupRuns.class.getName());

    private final Catalog catalog;
    private final HostConnections hosts;
    private final Path runtimeRoot;

    public StaleBackupRuns(Catalog catalog, Path runtimeRoot) {
        this.catalog = catalog;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
    }

    /** Cleans every instance a dead run left something on; one line per thing done. */
    public List<String> cleanAll() {
        List<String> report = new ArrayList<>();
        Set<String> prefixes;
        try {
            prefixes = InstanceBackup.abandonedRuns(runtimeRoot);
        } catch (IOException e) {
            report.add("runs of dead processes under " + runtimeRoot + " not looked for: " + e.getMessage());
            return report;
        }
        if (prefixes.isEmpty()) {
            return report;
        }
        Set<String> agents = new HashSet<>();
        catalog.hosts().agentServed().forEach(seen -> agents.add(seen.hostId()));
        for (Host host : catalog.hosts().list()) {
            if (agents.contains(host.id())) { // its agent cleans them at its start (docs/design/agents.md)
                continue;
            }
            try (Libvirt libvirt = hosts.connect(host.id())) {
                InstanceBackup backups = new InstanceBackup(libvirt, null, runtimeRoot);
                for (DomainInfo domain : libvirt.domains()) {
                    if (prefixes.stream().noneMatch(domain.uuid()::startsWith)) {
                        continue;
                    }
                    try {
                        for (String done : backups.cleanLeftovers(domain.name())) {
                            report.add("instance " + domain.name() + ": " + done);
                        }
                    } catch (IOException | RuntimeException e) {
                        report.add("instance " + domain.name() + ": leftovers of a dead run not removed: " + e.getMessage());
                    }
                }
            } catch (RuntimeException | LibvirtException e) {
                LOG.log(System.Logger.Level.WARNING, "leftovers of dead backup runs on host " + host.id()
                        + " not looked for: " + Errors.classify(e).getMessage());
            }
        }
        return report;
    }
}

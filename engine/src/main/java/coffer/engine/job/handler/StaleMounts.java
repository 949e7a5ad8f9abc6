package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Host;
import coffer.engine.catalog.MountRecord;
import coffer.engine.error.Errors;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.live.MountDirectory;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.domain.NbdDisk;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.engine.live.InstanceMount;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Takes out mounts whose server is gone (docs/design/live-access.md, "After a restart"): a server killed, or stopped
 * without the time to detach, leaves the instance with a disk reading a dead socket. At a server's start (after its
 * runner has failed the jobs of dead workers) every running instance of every host is looked at: a disk read from a
 * socket under {@code <runtime root>/mounts/<id>/} whose mount job no longer runs and whose directory's owner process
 * is gone is detached, its directory removed, and its record ended {@code STALE}, each reported in the mount job's log
 * and returned. Active records whose job has ended are ended too (their instance may have stopped meanwhile). A host
 * an agent serves is not connected to: the agent runs this at its start on its own host (docs/design/agents.md).
 *
 * <p>Stateless; thread-safe.
 */
public final class StaleMounts {
    private static final System.Logger LOG = System.getLogger(StaleMounts.class.getName());

    private final Catalog catalog;
    private final HostConnections hosts;
    private final Path runtimeRoot;
    private final Clock clock;

    public StaleMounts(Catalog catalog, Path runtimeRoot, Clock clock) {
        this.catalog = catalog;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.clock = clock;
    }

    /** Detaches every stale mount on every host; returns one line per mount taken out. */
    public List<String> detachAll() {
        List<String> report = new ArrayList<>();
        java.util.Set<String> agents = catalog.hosts().agentServed().stream().map(coffer.engine.catalog.Hosts.AgentSeen::hostId)
                .collect(java.util.stream.Collectors.toSet());
        for (Host host : catalog.hosts().list()) {
            if (agents.contains(host.id())) { // its agent detaches them at its start (docs/design/agents.md)
                continue;
            }
            try (Libvirt libvirt = hosts.connect(host.id())) {
                for (DomainInfo domain : libvirt.domains()) {
                    if (domain.state().active()) {
                        detachStale(libvirt, domain.name(), report);
                    }
                }
            } catch (RuntimeException | coffer.virt.libvirt.LibvirtException e) {
                LOG.log(System.Logger.Level.WARNING, "stale mounts on host " + host.id() + " not looked for: "
                        + Errors.classify(e).getMessage());
            }
        }
        for (MountRecord mount : catalog.mounts().active()) {
            if (!serving(mount.id())) {
                end(mount, "its job ended without ending the mount; nothing of it is attached");
                report.add("mount " + mount.id() + " (" + mount.disk() + " of point " + mount.pointId() + "): ended");
            }
        }
        return report;
    }

    /** Detaches the stale mounts of one running instance: those whose job is not running here or anywhere. */
    void detachStale(Libvirt libvirt, String instance, List<String> report) throws coffer.virt.libvirt.LibvirtException {
        Map<String, String> sockets;
        try {
            sockets = DomainDefinition.parse(libvirt.domainXml(instance, false)).nbdSockets();
        } catch (coffer.virt.domain.DomainDefinitionException e) {
            return;
        }
        for (Map.Entry<String, String> disk : sockets.entrySet()) {
            Optional<String> id = MountDirectory.mountIdOf(runtimeRoot, disk.getValue());
            if (id.isEmpty() || serving(id.get()) || MountDirectory.ownerAlive(runtimeRoot, id.get())) {
                continue;
            }
            String what = "mount " + id.get() + ": disk " + disk.getKey() + " of instance " + instance
                    + " read a dead export (" + disk.getValue() + ")";
            try {
                new InstanceMount(libvirt).detach(new InstanceMount.Attached(instance,
                        new NbdDisk(disk.getKey(), Path.of(disk.getValue()), "x", null)), MountHandler.DETACH_WAIT);
                MountDirectory.remove(runtimeRoot, id.get());
                report.add(what + "; detached");
                catalog.mounts().find(id.get()).ifPresent(m -> end(m, "its server stopped without detaching it; detached "
                        + disk.getKey() + " from " + instance + " at a later start"));
                LOG.log(System.Logger.Level.WARNING, what + "; detached");
            } catch (RuntimeException e) {
                report.add(what + "; could not be detached: " + e.getMessage());
                LOG.log(System.Logger.Level.WARNING, what + "; could not be detached: " + e.getMessage());
            }
        }
    }

    /** Whether the mount's job is running (on this server or another one sharing the catalog). */
    private boolean serving(String mountId) {
        return catalog.jobs().find(mountId).map(Job::state).orElse(null) == JobState.running;
    }

    private void end(MountRecord mount, String note) {
        if (catalog.mounts().ended(mount.id(), clock.instant(), MountRecord.EndReason.STALE, note)) {
            if (catalog.jobs().find(mount.id()).isPresent()) {
                catalog.jobs().appendLog(mount.id(), "WARNING", "stale mount: " + note);
            }
        }
    }

}

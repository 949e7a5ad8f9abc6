package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.instance.InstanceDiscovery;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Refreshes the catalog's instances of one host from libvirt ({@link InstanceDiscovery}): new domains added,
 * known ones updated, vanished ones marked gone. Stateless apart from its collaborators; thread-safe.
 */
public final class InstanceRefresh {
    private final Catalog catalog;
    private final Clock clock;

    public InstanceRefresh(Catalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Connects to the host by its catalog URI, refreshes, and returns the host's instances as now known. */
    public List<Instance> refresh(String hostId) {
        Host host = catalog.hosts().find(hostId).orElseThrow(() -> new CofferException(ErrorCode.InvalidArgument,
                "no host '" + hostId + "' in the catalog"));
        try (Libvirt libvirt = Libvirt.connect(host.uri())) {
            return refresh(hostId, libvirt);
        } catch (LibvirtException e) {
            throw Errors.classify(e);
        }
    }

    /** Refreshes from an open connection to the host. */
    public List<Instance> refresh(String hostId, Libvirt libvirt) {
        Instant now = clock.instant();
        List<Instance> found = new InstanceDiscovery(libvirt).list().stream()
                .map(d -> new Instance(d.uuid(), hostId, d.name(), d.state(), d.disks().stream()
                        .map(disk -> new InstanceDisk(disk.target(), disk.device(), disk.format(), disk.source(),
                                disk.virtualSize(), disk.allocatedSize(), disk.backupable() ? null : disk.reason()))
                        .toList(), now, false))
                .toList();
        catalog.instances().refresh(hostId, found);
        return catalog.instances().list(hostId);
    }
}

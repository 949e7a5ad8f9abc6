package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Host;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

/** Opens a libvirt connection to a job's host, by the URI the catalog knows for it. Stateless; thread-safe. */
final class HostConnections {
    private final Catalog catalog;

    HostConnections(Catalog catalog) {
        this.catalog = catalog;
    }

    /** A new connection; the caller closes it. */
    Libvirt connect(String hostId) {
        Host host = catalog.hosts().find(hostId).orElseThrow(() -> new CofferException(ErrorCode.InvalidArgument,
                "job host '" + hostId + "' is not a known host; known: "
                        + catalog.hosts().list().stream().map(Host::id).toList()));
        try {
            return Libvirt.connect(host.uri());
        } catch (LibvirtException e) {
            throw Errors.classify(e);
        }
    }
}

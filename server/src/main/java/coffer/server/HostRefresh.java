package coffer.server;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.InstanceRefresh;
import coffer.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Keeps the catalog's hosts and their instances current: the configured hosts are added at start (with their
 * region, which their jobs' rows take: docs/design/replication.md, "Regions in lists"), and
 * each is discovered again at start, in the background, and on request. A host that cannot be reached is
 * logged and skipped (its instances keep their last known state). A host served by a {@code coffer agent} is not
 * connected to: its instances come from its agent's announces (docs/design/agents.md).
 */
final class HostRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(HostRefresh.class);

    private final Catalog catalog;

    HostRefresh(Catalog catalog, List<ServerConfig.HostEntry> hosts) {
        this.catalog = catalog;
        for (ServerConfig.HostEntry host : hosts) {
            if (catalog.hosts().ensure(host.id(), host.uri()).id().equals(host.id())) {
                catalog.hosts().place(host.id(), host.region()); // a second id for a known URI is that host: not placed
            }
        }
    }

    void refreshAll() {
        for (var host : catalog.hosts().list()) {
            try {
                refresh(host.id());
            } catch (RuntimeException e) {
                LOG.warn("cannot discover the instances of host {} ({}): {}", host.id(), host.uri(), e.getMessage());
            }
        }
    }

    void refresh(String hostId) {
        var host = catalog.hosts().find(hostId).orElseThrow();
        if (catalog.hosts().agentServed().stream().anyMatch(a -> a.hostId().equals(hostId))) {
            return; // its agent announces its instances every minute
        }
        new InstanceRefresh(catalog, java.time.Clock.systemUTC()).refresh(host.id());
    }
}

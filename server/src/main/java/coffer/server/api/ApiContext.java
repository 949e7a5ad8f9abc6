package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.vault.VaultDirectory;
import coffer.server.config.ServerConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the API groups share: the configuration, the catalog, the vaults, and a way to refresh a host's
 * instances. Lookups that fail throw the error the API answers with.
 */
public record ApiContext(ServerConfig config, Catalog catalog, VaultDirectory vaults, Consumer<String> refreshHost) {

    /** The instance by UUID or name; an unknown one makes the hosts be discovered again once (it may be new). */
    public Instance instance(String idOrName) {
        return find(idOrName).orElseThrow(() -> new CofferException(ErrorCode.InstanceNotFound,
                "no instance '" + idOrName + "' (by UUID or name) on the hosts this server manages"));
    }

    public Optional<Instance> find(String idOrName) {
        return findAll(List.of(idOrName)).get(idOrName);
    }

    /** Each name resolved; when some are unknown, the hosts are discovered again once for all of them. */
    public Map<String, Optional<Instance>> findAll(List<String> idsOrNames) {
        Map<String, Optional<Instance>> found = new LinkedHashMap<>();
        idsOrNames.forEach(n -> found.put(n, catalog.instances().resolve(n)));
        if (found.values().stream().anyMatch(Optional::isEmpty)) {
            for (var host : catalog.hosts().list()) {
                try {
                    refreshHost.accept(host.id());
                } catch (RuntimeException unreachable) {
                    // the host stays as last known; the lookup answers from that
                }
            }
            found.replaceAll((n, instance) -> instance.isPresent() ? instance : catalog.instances().resolve(n));
        }
        return found;
    }

    public Job job(String id) {
        return catalog.jobs().find(id).orElseThrow(() -> new CofferException(ErrorCode.JobNotFound, "no job '" + id + "'"));
    }

    public String vault(String name) {
        if (name == null) {
            return vaults.defaultName();
        }
        if (!vaults.names().contains(name)) {
            throw new CofferException(ErrorCode.InvalidArgument, "vault: no vault named '" + name + "' (configured: "
                    + String.join(", ", vaults.names().stream().sorted().toList()) + ")");
        }
        return name;
    }
}

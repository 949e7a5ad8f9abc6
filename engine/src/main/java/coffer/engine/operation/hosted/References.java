package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.VaultDirectory;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Resolves what a person names: instances by UUID or name (an unknown one makes the hosts be discovered again
 * once: it may be new), points by id, unique id prefix or instance name (its newest point), and vault names.
 * Thread-safe.
 */
final class References {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final Consumer<String> refreshHost;

    References(Catalog catalog, VaultDirectory vaults, Consumer<String> refreshHost) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.refreshHost = refreshHost;
    }

    Instance instance(String idOrName) {
        return findAll(List.of(idOrName)).get(idOrName).orElseThrow(() -> new CofferException(ErrorCode.InstanceNotFound,
                "no instance '" + idOrName + "' (by UUID or name) on the hosts this server manages"));
    }

    /** Each name resolved; when some are unknown, the hosts are discovered again once for all of them. */
    Map<String, Optional<Instance>> findAll(List<String> idsOrNames) {
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

    /**
     * A point by exact id, else by unique id prefix, else by instance name or UUID (its newest point; of a point and
     * its replicas, taken at the same time, the one in the instance's protection vault): the same references the offline
     * commands take (docs/cli.md). PointNotFound names what was tried.
     */
    PointRecord point(String reference) {
        Optional<PointRecord> exact = catalog.points().find(reference);
        if (exact.isPresent()) {
            return exact.get();
        }
        List<PointRecord> all = catalog.points().listAll();
        List<PointRecord> prefixed = all.stream().filter(p -> p.id().startsWith(reference)).toList();
        if (prefixed.size() == 1) {
            return prefixed.getFirst();
        }
        if (prefixed.size() > 1) {
            throw new CofferException(ErrorCode.PointNotFound, "'" + reference + "' is the start of " + prefixed.size()
                    + " point ids (" + String.join(", ", prefixed.stream().map(PointRecord::id).limit(5).toList())
                    + "); give more of the id");
        }
        List<PointRecord> named = all.stream().filter(p -> reference.equals(p.instanceName())
                || reference.equals(p.instanceId())).toList();
        String home = named.isEmpty() ? null : catalog.protections().find(named.getFirst().instanceId())
                .map(coffer.engine.catalog.Protection::vault).orElse(null);
        // a replica has its point's creation time: of the two, the point in the instance's own vault
        return named.stream().max(Comparator.comparing(PointRecord::createdAt)
                        .thenComparing(p -> p.vault().equals(home))).orElseThrow(() -> new CofferException(
                        ErrorCode.PointNotFound, "no point '" + reference + "' in the catalog (by id, id prefix or instance name)"));
    }

    /** The vault's name: the given one (it must be configured), else the default vault. */
    String vault(String name) {
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

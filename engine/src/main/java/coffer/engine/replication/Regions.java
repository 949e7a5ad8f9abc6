package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The regions a server's configuration declares (docs/server.md, "Regions"): each region's vaults in the order the
 * configuration gives them (the first is the region's default vault) and its libvirt hosts. A server configured
 * without regions has the one region {@code local}. Immutable; thread-safe.
 *
 * @param vaults vault names by region, in configuration order
 * @param hosts  host ids by region, in configuration order
 */
public record Regions(Map<String, List<String>> vaults, Map<String, List<String>> hosts) {
    public Regions {
        vaults = copy(vaults);
        hosts = copy(hosts);
    }

    /** One region {@code local} holding these vaults and hosts. */
    public static Regions local(List<String> vaults, List<String> hosts) {
        return new Regions(Map.of("local", vaults), Map.of("local", hosts));
    }

    /** Every region, those with vaults first, in configuration order. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(vaults.keySet());
        names.addAll(hosts.keySet());
        return names;
    }

    /** {@code region} itself when it is declared; else UnknownRegion naming the declared ones. */
    public String check(String region) {
        if (!names().contains(region)) {
            throw new CofferException(ErrorCode.UnknownRegion, "no region '" + region + "' in the server's configuration"
                    + " (its regions: " + String.join(", ", names()) + ")");
        }
        return region;
    }

    /** The default vault of {@code region}: its first vault; UnknownRegion, or NoDestinationRegion when it has none. */
    public String defaultVault(String region) {
        List<String> names = vaults.getOrDefault(check(region), List.of());
        if (names.isEmpty()) {
            throw new CofferException(ErrorCode.NoDestinationRegion, "region '" + region + "' has no vault");
        }
        return names.getFirst();
    }

    /** The region of host {@code hostId}, empty for a host the configuration does not name. */
    public Optional<String> ofHost(String hostId) {
        return hosts.entrySet().stream().filter(e -> e.getValue().contains(hostId)).map(Map.Entry::getKey).findFirst();
    }

    /**
     * The host a job in {@code region} runs on: {@code preferred} when it is a host of that region, else the region's
     * first host; NoHostInRegion when the region has none.
     */
    public String hostIn(String region, String preferred) {
        List<String> ids = hosts.getOrDefault(check(region), List.of());
        if (preferred != null && ids.contains(preferred)) {
            return preferred;
        }
        if (ids.isEmpty()) {
            throw new CofferException(ErrorCode.NoHostInRegion, "region '" + region + "' has no libvirt host (it holds"
                    + " vaults " + String.join(", ", vaults.getOrDefault(region, List.of())) + " only)");
        }
        return ids.getFirst();
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> byRegion) {
        Map<String, List<String>> copied = new LinkedHashMap<>();
        byRegion.forEach((region, names) -> copied.put(region, List.copyOf(new ArrayList<>(names))));
        return java.util.Collections.unmodifiableMap(copied);
    }
}

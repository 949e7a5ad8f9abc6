package coffer.engine.operation;

import java.util.List;

/** The server's regions in configuration order. {@code count} is the list's length. */
public record RegionList(List<Region> regions, int count) {
    /**
     * One region: its vaults in configuration order ({@code defaultVault} the first, null when it has none) and its
     * libvirt hosts. What its vaults hold is {@link ShowCapacity}'s, per vault.
     */
    public record Region(String name, List<String> vaults, String defaultVault, List<String> hosts) {
        public Region {
            vaults = List.copyOf(vaults);
            hosts = List.copyOf(hosts);
        }
    }

    public RegionList {
        regions = List.copyOf(regions);
    }

    public static RegionList of(List<Region> regions) {
        return new RegionList(regions, regions.size());
    }
}

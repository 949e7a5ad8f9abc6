package coffer.engine.operation;

/**
 * The server's regions (docs/server.md, "Regions"): each one's vaults (the first its default) and libvirt hosts, as its
 * configuration declares them (read from it, not the catalog: cheap enough for every page's region filter). Through a
 * server only.
 */
public record ListRegions() implements Operation<RegionList> {
}

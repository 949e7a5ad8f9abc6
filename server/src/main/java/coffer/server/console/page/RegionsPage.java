package coffer.server.console.page;

import coffer.engine.operation.CapacityView;
import coffer.engine.operation.ListRegions;
import coffer.engine.operation.RegionList;
import coffer.engine.operation.ShowCapacity;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.List;

/**
 * Regions (docs/server.md, "Regions"): each region's vaults (the first its default) and libvirt hosts
 * ({@link ListRegions}), and what its vaults hold, points with their logical and stored bytes ({@link ShowCapacity}
 * per vault, added up, read at most once per {@link #FRESH}: the page is viewed far more often than points are made);
 * links to the region's points, jobs and instances. Read only. Thread-safe: its one state is each console's cache.
 */
public final class RegionsPage implements ConsoleRoutes {
    /** One region with what its vaults hold. */
    public record Row(RegionList.Region region, long points, long logicalBytes, long storedBytes) {
    }

    public record Model(Frame frame, List<Row> regions, List<CapacityView.Vault> vaults) {
    }

    /** How long the regions' sums are shown before the catalog is read again. */
    static final Duration FRESH = Duration.ofSeconds(10);

    @Override
    public void register(Routes routes, Console console) {
        Cache<Class<ShowCapacity>, List<CapacityView.Vault>> sums = Caffeine.newBuilder().expireAfterWrite(FRESH).build();
        console.page(routes, "/regions", ListRegions.class, (ctx, session) -> {
            List<CapacityView.Vault> vaults = sums.get(ShowCapacity.class,
                    ignored -> console.operations().call(new ShowCapacity()).vaults());
            List<Row> rows = console.operations().call(new ListRegions()).regions().stream().map(r -> {
                List<CapacityView.Vault> held = vaults.stream().filter(v -> r.vaults().contains(v.vault())).toList();
                return new Row(r, held.stream().mapToLong(CapacityView.Vault::points).sum(),
                        held.stream().mapToLong(CapacityView.Vault::logicalBytes).sum(),
                        held.stream().mapToLong(CapacityView.Vault::storedBytes).sum());
            }).toList();
            console.render(ctx, "regions.jte", new Model(console.frame(session, "Regions", "regions"), rows, vaults));
        });
    }

    /** The server's regions (for the lists' region filters and the point page's destinations). */
    static List<RegionList.Region> all(Console console) {
        return console.operations().call(new ListRegions()).regions();
    }

    /** The region names. */
    static List<String> names(Console console) {
        return all(console).stream().map(RegionList.Region::name).toList();
    }
}

package coffer.server.console.page;

import coffer.engine.error.CofferException;
import coffer.engine.operation.AlertView;
import coffer.engine.operation.ListAlerts;
import coffer.engine.operation.PointDetail;
import coffer.engine.operation.RegionList;
import coffer.server.console.Console;

import java.util.List;

/**
 * What a point's page shows of assurance and regions beside the point itself: the change alerts raised on it (standing
 * or acknowledged) and the server's regions, the destinations of "replicate" and "restore in region"
 * ({@link PointReplicationActions}). The point's own replication statuses and "proven bootable at" are its
 * {@link PointDetail}'s. Immutable.
 */
public record PointAssurance(List<AlertView> alerts, List<RegionList.Region> regions) {
    static final int ALERTS_READ = 1000;

    static PointAssurance of(Console console, PointDetail point) {
        List<AlertView> alerts;
        try {
            alerts = console.operations().call(new ListAlerts(point.instance(), ALERTS_READ)).alerts().stream()
                    .filter(a -> a.point().equals(point.id())).toList();
        } catch (CofferException gone) { // an instance the catalog no longer knows (a replica's, a rebuilt catalog's)
            alerts = List.of();
        }
        return new PointAssurance(alerts, RegionsPage.all(console));
    }

    /** The regions other than the point's own: where it may be replicated. */
    public List<RegionList.Region> otherRegions(String own) {
        return regions.stream().filter(r -> !r.name().equals(own)).toList();
    }

    /** The regions with a host: where it may be restored. */
    public List<RegionList.Region> regionsWithHosts() {
        return regions.stream().filter(r -> !r.hosts().isEmpty()).toList();
    }

    public boolean standing() {
        return alerts.stream().anyMatch(AlertView::standing);
    }
}

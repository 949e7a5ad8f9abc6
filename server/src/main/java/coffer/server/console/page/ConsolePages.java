package coffer.server.console.page;

import coffer.server.console.ConsoleRoutes;

import java.util.List;

/** The console's sections, in the navigation's order. Immutable. */
public final class ConsolePages {
    public static final List<ConsoleRoutes> ALL = List.of(new InstancesPage(), new PointsPage(), new JobsPage(),
            new PoliciesPage(), new PlansPage(), new GroupsPage(), new CapacityPage(), new TokensPage(),
            // assurance, regions and replication (docs/console.md)
            new AlertsPage(), new VerifyPage(), new DrillsPage(), new ReclaimsPage(), new RegionsPage(),
            new PointReplicationActions(),
            // live access: mounts, exports, a point's files, instant restore (docs/design/live-access.md)
            new LivePage());

    private ConsolePages() {
    }
}

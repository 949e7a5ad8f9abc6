package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.plan.PlanBinding;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.plan.PointLifecycle;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.policy.Stagger;
import coffer.engine.replication.Regions;
import coffer.engine.vault.LocalVaults;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A server's operations on a test's catalog, as the tests of this package use them: one vault {@code default} under
 * {@code dir} (not created: these tests read and queue, they do not run jobs) and the host {@code local}, which it adds.
 * Stateless.
 */
final class LocalOperations {
    private LocalOperations() {
    }

    static HostedOperations on(Catalog catalog, Path dir, Clock clock) {
        catalog.hosts().ensure("local", "qemu:///system");
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        LocalVaults vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(dir.resolve("vault"),
                dir.resolve("keyring.json"))), "default");
        PointLifecycle points = new PointLifecycle(catalog, vaults, clock);
        return new HostedOperations(catalog, vaults, scheduler, new PlanBinding(catalog, scheduler, points), points,
                new RetentionSweep(catalog, vaults, clock), new HostedOperations.Settings(List.of(), 99, host -> {
                }, clock, Regions.local(List.of("default"), List.of("local"))));
    }
}

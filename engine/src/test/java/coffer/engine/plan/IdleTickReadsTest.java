package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Stagger;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tick that queues nothing reads the plans and the policies alone, not every instance and protection (they are read
 * when a run is due: docs/design/scheduler.md); a tick with runs due still queues each once with its protection's
 * settings. Counted by the catalog's statements ({@link Catalog#statementsRun}), on SQLite.
 */
class IdleTickReadsTest {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir Path dir;

    @Test
    void aTickWithNothingDueReadsThePlansAndPoliciesAlone() throws Exception {
        MutableClock clock = new MutableClock(T0.minusSeconds(60));
        try (TestDatabase database = TestDatabase.sqlite(dir); Catalog catalog = Catalog.open(database.config(), clock)) {
            catalog.hosts().ensure("local", "qemu:///system");
            List<Instance> instances = IntStream.range(0, 5).mapToObj(i -> new Instance("u-" + i, "local", "vm-" + i,
                    "running", List.of(), T0, false)).toList();
            catalog.instances().refresh("local", instances);
            catalog.protections().protect(instances.stream().map(i -> new Protection(i.id(), true, List.of(),
                    "vault-" + i.id(), T0)).toList());
            StoredPolicy hourly = catalog.policies().create(PlanSchedulerContract.policy("hourly", Interval.hours(1)));
            instances.forEach(i -> catalog.plans().create("plan-" + i.name(), "plan-" + i.name(), i.id(), hourly.id(), T0));
            PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.NONE);

            long before = catalog.statementsRun();
            assertEquals(0, scheduler.tick().queued().size(), "nothing due a minute before the slot");
            assertEquals(2, catalog.statementsRun() - before, "an idle tick: the plans and the policies");

            clock.set(T0);
            PlanScheduler.Tick due = scheduler.tick();
            assertEquals(5, due.queued().size(), "every plan's run queued at its slot");
            assertEquals(instances.stream().map(i -> "vault-" + i.id()).sorted().toList(), due.queued().stream()
                    .map(j -> j.params().path("vault").asText()).sorted().toList(), "each with its protection's vault");
        }
    }
}

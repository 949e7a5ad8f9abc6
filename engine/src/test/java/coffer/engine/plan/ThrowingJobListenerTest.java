package coffer.engine.plan;

import coffer.engine.catalog.CatalogFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Jobs;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Stagger;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener of job changes that throws does not turn the committed change into the caller's failure: the tick that
 * queued runs reports them queued, and the other listeners still hear of the change. On an SQLite catalog.
 */
class ThrowingJobListenerTest extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    final MutableClock clock = new MutableClock(T0.minusSeconds(30));
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }

    @Override
    protected Clock clock() {
        return clock;
    }

    @Test
    void aThrowingListenerLeavesTheQueuedRunsQueued() {
        StoredPolicy hourly = catalog.policies().create(PlanSchedulerContract.policy("hourly", Interval.hours(1)));
        catalog.hosts().ensure("local", "qemu+ssh://local.invalid/system");
        List<Instance> instances = IntStream.range(0, 3).mapToObj(i -> new Instance("u-" + i, "local", "vm-" + i,
                "running", List.of(), T0, false)).toList();
        catalog.instances().refresh("local", instances);
        catalog.protections().protect(instances.stream().map(i -> new Protection(i.id(), true, List.of(),
                "vault-" + i.id(), T0)).toList());
        instances.forEach(i -> catalog.plans().create("plan-" + i.name(), "plan-" + i.name(), i.id(), hourly.id(), T0));
        clock.set(T0.plusSeconds(1));
        AtomicInteger heard = new AtomicInteger();
        try (var throwing = catalog.jobs().whenChanged(() -> {
            throw new IllegalStateException("a listener's own failure");
        }); var counting = catalog.jobs().whenChanged(heard::incrementAndGet)) {
            PlanScheduler.Tick tick = new PlanScheduler(catalog, clock, Stagger.NONE).tick();
            assertEquals(3, tick.queued().size(), "the tick reports the runs it committed");
        }
        assertEquals(3, catalog.jobs().list(Jobs.Filter.ALL).size(), "one run a plan");
        assertTrue(heard.get() >= 1, "the other listener heard of the change");
    }
}

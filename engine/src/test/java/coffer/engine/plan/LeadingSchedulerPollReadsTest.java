package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Stagger;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A leader's poll that does not tick and the wait after it ({@link LeadingScheduler#untilNextPoll}) read the plans'
 * earliest next run once between them, not once each: the lead polls every second (docs/design/scheduler.md). The
 * wait still follows a plan created after the poll. Counted by the catalog's statements, on SQLite (its lead is held).
 */
class LeadingSchedulerPollReadsTest {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final Duration SECOND = Duration.ofSeconds(1);

    @TempDir Path dir;

    @Test
    void anIdlePollAndTheWaitAfterItReadTheEarliestNextRunOnce() throws Exception {
        MutableClock clock = new MutableClock(T0.minusSeconds(30));
        try (TestDatabase database = TestDatabase.sqlite(dir); Catalog catalog = Catalog.open(database.config(), clock)) {
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance("u-web", "local", "web", "running", List.of(), T0,
                    false), new Instance("u-db", "local", "db", "running", List.of(), T0, false)));
            StoredPolicy hourly = catalog.policies().create(PlanSchedulerContract.policy("hourly", Interval.hours(1)));
            catalog.plans().create("plan-web", "plan-web", "u-web", hourly.id(), T0);
            try (LeadingScheduler leading = new LeadingScheduler(new PlanScheduler(catalog, clock, Stagger.NONE),
                    catalog.leadership("scheduler"), Duration.ofSeconds(30))) {
                assertTrue(leading.poll().isPresent(), "the lead's first poll ticks");
                leading.untilNextPoll(SECOND);

                clock.set(T0.minusMillis(400));
                long before = catalog.statementsRun();
                assertTrue(leading.poll().isEmpty(), "nothing came since the tick");
                assertEquals(Duration.ofMillis(400), leading.untilNextPoll(SECOND), "until the run 400 ms away");
                assertEquals(1, catalog.statementsRun() - before, "one read of the earliest next run for both");

                // without a poll before it, the wait reads again: a plan made meanwhile counts
                clock.set(T0.minusMillis(900));
                assertTrue(leading.poll().isEmpty());
                catalog.plans().create("plan-db", "plan-db", "u-db", hourly.id(), T0.minusMillis(700));
                assertEquals(Duration.ofMillis(900), leading.untilNextPoll(SECOND), "the poll's read, used once");
                assertEquals(Duration.ofMillis(200), leading.untilNextPoll(SECOND), "read again: the new plan's run");
            }
        }
    }
}

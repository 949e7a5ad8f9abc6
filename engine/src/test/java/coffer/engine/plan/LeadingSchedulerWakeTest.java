package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Jobs;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import coffer.testing.Await;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leading scheduler polls at the moment a plan's next run comes, not at the next poll after it
 * ({@link LeadingScheduler#untilNextPoll}, {@link LeadingScheduler#pollOn}; docs/design/scheduler.md): a slot shared
 * by thousands of plans was queued up to a poll interval late, and each of its runs started as much later
 * (docs/performance.md, "Scheduler"). On an SQLite catalog (its lead is always held).
 */
class LeadingSchedulerWakeTest {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final Duration SECOND = Duration.ofSeconds(1);

    @TempDir Path dir;

    /** One host, one protected instance and a plan on an hourly policy whose next run is {@code firstRun}. */
    private static void planAt(Catalog catalog, Instant firstRun) {
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(
                new Instance("u-web", "local", "web", "running", List.of(), firstRun, false),
                new Instance("u-db", "local", "db", "running", List.of(), firstRun, false)));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", firstRun)));
        StoredPolicy hourly = catalog.policies().create(new Policy("hourly", Schedule.of(firstRun, Interval.hours(1)),
                Retention.keepFor(RetentionPeriod.days(1)), false, ReplicationRule.OFF, ArchiveRule.OFF));
        catalog.plans().create("plan-web", "plan-web", "u-web", hourly.id(), firstRun);
    }

    @Test
    void theLeaderWaitsUntilTheNextRunAndAStandbyOrAStuckRunWaitsTheWholeInterval() throws Exception {
        MutableClock clock = new MutableClock(T0.minusSeconds(30));
        try (TestDatabase database = TestDatabase.sqlite(dir); Catalog catalog = Catalog.open(database.config(), clock)) {
            planAt(catalog, T0);
            try (LeadingScheduler leading = new LeadingScheduler(new PlanScheduler(catalog, clock, Stagger.NONE),
                    catalog.leadership("scheduler"), Duration.ofSeconds(30))) {
                assertEquals(SECOND, leading.untilNextPoll(SECOND), "not leading yet: a standby polls every interval");

                assertTrue(leading.poll().orElseThrow().queued().isEmpty(), "the lead's first tick: nothing due");
                assertEquals(SECOND, leading.untilNextPoll(SECOND), "the run 30 s away: the whole interval");

                clock.set(T0.minusMillis(300));
                assertEquals(Duration.ofMillis(300), leading.untilNextPoll(SECOND), "the run 300 ms away: until it");
                clock.set(T0.plusMillis(5));
                assertEquals(Duration.ZERO, leading.untilNextPoll(SECOND), "the run came since the last tick: at once");

                assertEquals(1, leading.poll().orElseThrow().queued().size(), "the run queued");
                assertEquals(SECOND, leading.untilNextPoll(SECOND), "the next run an hour away: the whole interval");

                // a run due since before the last tick (one the tick could not decide) does not make the polls spin
                catalog.plans().create("plan-db", "plan-db", "u-db", catalog.policies().list().getFirst().id(),
                        T0.minusSeconds(10));
                assertEquals(SECOND, leading.untilNextPoll(SECOND), "a run due before the last tick: the whole interval");
            }
        }
    }

    @Test
    void pollsOnATimerQueueASlotWhenItComesNotAtTheNextIntervalAfterIt() throws Exception {
        Instant slot = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        Clock clock = Clock.systemUTC();
        Duration interval = Duration.ofSeconds(30);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (TestDatabase database = TestDatabase.sqlite(dir); Catalog catalog = Catalog.open(database.config(), clock)) {
            planAt(catalog, slot);
            List<PlanScheduler.Tick> ticks = new CopyOnWriteArrayList<>();
            try (LeadingScheduler leading = new LeadingScheduler(new PlanScheduler(catalog, clock, Stagger.NONE),
                    catalog.leadership("scheduler"), interval)) {
                leading.pollOn(timer, Duration.ZERO, interval, tick -> tick.ifPresent(ticks::add));
                // polled every 30 s alone, the slot (2-3 s away) would be queued 27-28 s after it
                Await.until(() -> !catalog.jobs().list(Jobs.Filter.ALL).isEmpty(), Duration.ofSeconds(20),
                        "the slot's run queued");
                PlanScheduler.Tick queuing = ticks.stream().filter(t -> !t.queued().isEmpty()).findFirst().orElseThrow();
                assertFalse(queuing.began().isBefore(slot), "queued at or after its slot: " + queuing.began());
                assertTrue(queuing.began().isBefore(slot.plusSeconds(10)), "queued when the slot came, not at the"
                        + " next poll interval: " + queuing.began() + " for " + slot);
                assertEquals(2, ticks.size(), "two ticks: the lead's first (nothing due) and the slot's " + ticks);
            } finally {
                timer.shutdownNow();
                assertTrue(timer.awaitTermination(10, TimeUnit.SECONDS), "the polls stop with their timer");
            }
        }
    }
}

package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.job.Job;
import coffer.engine.job.Jobs;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler on a real catalog and a simulated clock: weeks of schedule in seconds, restarts (a new
 * catalog and scheduler on the same database) and downtimes, suspended and released plans. Jobs are only
 * queued here (no runner): every queued job is one run.
 */
abstract class PlanSchedulerContract extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    final MutableClock clock = new MutableClock(T0.minusSeconds(30));

    @Override
    protected Clock clock() {
        return clock;
    }

    @BeforeEach
    void protectedInstances() {
        webAndDb(T0);
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", T0),
                new Protection("u-db", false, List.of("vdb"), "other", T0)));
    }

    static Policy policy(String name, Interval interval) {
        return new Policy(name, Schedule.of(T0, interval), Retention.keepFor(RetentionPeriod.days(1)), false,
                ReplicationRule.OFF, ArchiveRule.OFF);
    }

    Plan bind(PlanScheduler scheduler, String planId, String instance, StoredPolicy policy) {
        return catalog.plans().create(planId, planId, instance, policy.id(), scheduler.firstRun(planId, policy.policy().schedule()));
    }

    @Test
    void weeksOfHourlyAndDailyRunsSurviveRestartsAndDowntimeWithoutSkipsOrDoubles() throws Exception {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        StoredPolicy hourly = catalog.policies().create(policy("hourly", Interval.hours(1)));
        StoredPolicy daily = catalog.policies().create(policy("daily", Interval.days(1)));
        bind(scheduler, "plan-web", "u-web", hourly);
        bind(scheduler, "plan-db", "u-db", daily);

        Instant end = T0.plus(Duration.ofDays(14));
        Instant downFrom = T0.plus(Duration.ofDays(5)).plusSeconds(1234);
        Instant downUntil = downFrom.plus(Duration.ofHours(5)).plusSeconds(600);
        Instant restartAt = T0.plus(Duration.ofDays(9)).plusSeconds(77);
        Duration tick = Duration.ofMinutes(15);
        while (clock.instant().isBefore(end)) {
            clock.advance(tick);
            Instant now = clock.instant();
            if (!now.isBefore(downFrom) && now.isBefore(downUntil)) {
                continue; // the server is down: nothing ticks
            }
            if (!now.isBefore(restartAt) && now.minus(tick).isBefore(restartAt)) {
                catalog.close(); // a restart: a new catalog and scheduler on the same database
                catalog = Catalog.open(database.config(), clock);
                scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
            }
            scheduler.tick();
        }

        List<Job> jobs = catalog.jobs().list(Jobs.Filter.ALL);
        Map<String, List<Job>> byPlan = new HashMap<>();
        jobs.forEach(j -> byPlan.computeIfAbsent(j.params().path("plan").path("id").asText(), k -> new ArrayList<>()).add(j));
        Instant lastTick = clock.instant();
        assertRunsCoverEverySlotOnce(scheduler, byPlan.get("plan-web"), hourly, "plan-web", lastTick, downFrom, downUntil);
        assertRunsCoverEverySlotOnce(scheduler, byPlan.get("plan-db"), daily, "plan-db", lastTick, downFrom, downUntil);
        assertTrue(byPlan.get("plan-web").size() > 300, "two weeks of hourly runs: " + byPlan.get("plan-web").size());
        Job dbRun = byPlan.get("plan-db").getFirst();
        assertEquals("other", dbRun.params().path("vault").asText(), "the protection's vault");
        assertEquals("[\"vdb\"]", dbRun.params().path("disks").toString(), "the protection's disks");
        assertEquals("u-db", dbRun.target());
    }

    private void assertRunsCoverEverySlotOnce(PlanScheduler scheduler, List<Job> runs, StoredPolicy policy, String planId,
                                             Instant end, Instant downFrom, Instant downUntil) {
        Schedule effective = scheduler.effectiveSchedule(planId, policy.policy().schedule());
        long slots = effective.slotsBetween(T0, end);
        Set<String> seen = new HashSet<>();
        long coalesced = 0;
        int late = 0;
        for (Job run : runs) {
            String slot = run.params().path("plan").path("slot").asText();
            assertTrue(seen.add(slot), planId + ": slot " + slot + " run twice");
            Instant s = Instant.parse(slot);
            assertEquals(s, effective.slotAtOrBefore(s).orElseThrow(), planId + ": " + slot + " is a slot of " + effective);
            assertFalse(run.createdAt().isBefore(s), planId + ": run before its slot");
            coalesced += run.params().path("plan").path("coalesced").asLong();
            if (Duration.between(s, run.createdAt()).compareTo(Duration.ofMinutes(15)) > 0) {
                late++;
                assertTrue(!run.createdAt().isBefore(downUntil) && s.isAfter(downFrom.minus(Duration.ofDays(1))),
                        planId + ": only the catch-up after the downtime is late: " + run.createdAt() + " for " + s);
            }
        }
        assertEquals(slots, runs.size() + coalesced, planId + ": every slot is run or folded into a catch-up");
        assertTrue(late <= 1, planId + ": at most one catch-up run, got " + late);
    }

    /** Plan "plan-web" (hourly), its first run queued, claimed by a server that is then killed: failed WorkerLost. */
    Job interruptedFirstRun(PlanScheduler scheduler) {
        StoredPolicy hourly = catalog.policies().create(policy("hourly", Interval.hours(1)));
        Plan plan = bind(scheduler, "plan-web", "u-web", hourly);
        clock.set(plan.nextRun().plusSeconds(1));
        Job first = scheduler.tick().queued().getFirst();
        Job claimed = catalog.jobs().claimNext("dead-host:1:0000", 4, clock.instant()).orElseThrow();
        assertEquals(first.id(), claimed.id());
        assertTrue(catalog.jobs().failLost(first.id(), "dead-host:1:0000", "worker lost", clock.instant()));
        clock.advance(Duration.ofMinutes(1));
        return first;
    }

    @Test
    void aRunInterruptedByItsServerIsRunOnceMoreForTheSameSlot() {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        Job first = interruptedFirstRun(scheduler);
        String planId = "plan-web";

        List<Job> retried = scheduler.tick().queued();
        assertEquals(1, retried.size(), "the interrupted run is run again");
        assertEquals(first.params().path("plan").path("slot"), retried.getFirst().params().path("plan").path("slot"));
        assertEquals(first.id(), retried.getFirst().params().path("plan").path("retryOf").asText());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(scheduler.tick().queued().isEmpty(), "queued once, not on every tick");

        // a retry that is interrupted too is not retried again; the next slot runs as usual
        catalog.jobs().claimNext("dead-host:1:0000", 4, clock.instant()).orElseThrow();
        assertTrue(catalog.jobs().failLost(retried.getFirst().id(), "dead-host:1:0000", "worker lost", clock.instant()));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(scheduler.tick().queued().isEmpty(), "a retry is not retried");
        clock.set(catalog.plans().find(planId).orElseThrow().nextRun().plusSeconds(1));
        List<Job> next = scheduler.tick().queued();
        assertEquals(1, next.size());
        assertFalse(next.getFirst().params().path("plan").hasNonNull("retryOf"));
    }

    /** A lost run whose point was committed and adopted (a point row names its job: LostPoints) is not run again. */
    @Test
    void aRunLostAfterItsPointWasCommittedAndAdoptedIsNotRunAgain() {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        Job first = interruptedFirstRun(scheduler);
        catalog.points().upsert(new coffer.engine.catalog.PointRecord("20260301-000001-0000abcd", "default", "u-web", "web",
                clock.instant(), "available", "CRASH", 1, 1, null, first.id(), List.of()));
        assertTrue(scheduler.tick().queued().isEmpty(), "the slot has its point");
        assertEquals(List.of(first.id()), catalog.jobs().list(Jobs.Filter.ALL).stream().map(Job::id).toList());
    }

    @Test
    void twoSchedulersThatReadThePlanBeforeEitherQueuesRetryTheInterruptedRunOnce() {
        PlanScheduler schedulerA = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        interruptedFirstRun(schedulerA);

        try (Catalog other = Catalog.open(database.config(), clock)) { // a second server on the same catalog
            PlanScheduler schedulerB = new PlanScheduler(other, clock, Stagger.DEFAULT);
            List<Plan> readByBoth = catalog.plans().list(); // both read the plan before either queues
            int retries = schedulerA.tick(readByBoth).queued().size() + schedulerB.tick(readByBoth).queued().size();
            assertEquals(1, retries, "the interrupted run is retried once, by one of the two schedulers");
        }
        List<Job> runs = catalog.jobs().list(Jobs.Filter.ALL);
        assertEquals(2, runs.size(), "the interrupted run and one retry: " + runs);
        assertEquals(runs.getFirst().id(), catalog.plans().find("plan-web").orElseThrow().lastJobId(),
                "the plan's last run is the retry");
    }

    @Test
    void aTickStopsDecidingWhenItsServerNoLongerLeads() {
        List<Instance> many = java.util.stream.IntStream.range(0, 250).mapToObj(i -> new Instance("u-" + i, "local",
                "vm-" + i, "running", List.of(), T0, false)).toList();
        catalog.instances().refresh("local", many);
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.NONE);
        StoredPolicy hourly = catalog.policies().create(policy("hourly", Interval.hours(1)));
        many.forEach(i -> bind(scheduler, "plan-" + i.name(), i.id(), hourly));
        clock.set(T0.plusSeconds(1));
        int[] asked = {0};
        PlanScheduler.Tick cut = scheduler.tick(() -> ++asked[0] < 2); // leads at the first check, not at the second
        assertEquals(2 * PlanScheduler.LEAD_CHECK_EVERY - 1, cut.queued().size(), "decided up to the check that failed");
        assertEquals(250 - cut.queued().size(), scheduler.tick().queued().size(), "the next holder decides the rest");
    }

    @Test
    void aStaggeredPlanRunsInsideItsWindowAndManyPlansDoNotStartInOneSecond() {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        StoredPolicy hourly = catalog.policies().create(policy("hourly", Interval.hours(1)));
        Plan web = bind(scheduler, "plan-web", "u-web", hourly);
        Plan db = bind(scheduler, "plan-db", "u-db", hourly);
        assertTrue(!web.nextRun().isBefore(T0) && web.nextRun().isBefore(T0.plus(Duration.ofMinutes(10))), web.toString());
        assertFalse(web.nextRun().equals(db.nextRun()), "two plans of one policy start at different seconds");
    }

    @Test
    void aDueRunOfASuspendedPlanIsNotStartedAndThePlanShowsPlanSuspended() {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.NONE);
        StoredPolicy hourly = catalog.policies().create(policy("hourly", Interval.hours(1)));
        Plan plan = bind(scheduler, "plan-web", "u-web", hourly);
        catalog.plans().setState(plan.id(), Plan.State.suspended, plan.nextRun(), null);
        clock.set(T0.plusSeconds(5));
        PlanScheduler.Tick tick = scheduler.tick();
        assertEquals(0, tick.queued().size());
        assertEquals(1, tick.suspendedSkipped());
        Plan after = catalog.plans().find(plan.id()).orElseThrow();
        assertEquals("PlanSuspended", after.lastOutcome().code());
        assertTrue(after.lastOutcome().message().contains("2026-03-02T00:00:00Z"), after.lastOutcome().message());
        assertEquals(T0.plusSeconds(3600), after.nextRun());
        assertEquals(0, scheduler.tick().suspendedSkipped(), "recorded once per due run");

        catalog.plans().setState(plan.id(), Plan.State.active, scheduler.nextRun(plan.id(), hourly.policy().schedule()), null);
        clock.set(T0.plusSeconds(3601));
        assertEquals(1, scheduler.tick().queued().size(), "resumed: the next slot runs");
    }

    @Test
    void aPlanWhoseInstanceIsGoneStopsWithInstanceReleasedAndItsRemedy() {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.NONE);
        StoredPolicy hourly = catalog.policies().create(policy("hourly", Interval.hours(1)));
        Plan plan = bind(scheduler, "plan-web", "u-web", hourly);
        catalog.instances().refresh("local", List.of(new Instance("u-db", "local", "db", "running", List.of(), T0, false)));
        clock.set(T0.plusSeconds(1));
        PlanScheduler.Tick tick = scheduler.tick();
        assertEquals(1, tick.stopped());
        assertEquals(0, tick.queued().size());
        Plan after = catalog.plans().find(plan.id()).orElseThrow();
        assertEquals(Plan.State.stopped, after.state());
        assertEquals("InstanceReleased", after.lastOutcome().code());
        assertTrue(after.lastOutcome().message().contains("web (u-web) no longer exists"), after.lastOutcome().message());
        assertTrue(after.lastOutcome().message().contains("Stop protection"), after.lastOutcome().message());
        clock.set(T0.plusSeconds(7200));
        assertEquals(0, scheduler.tick().queued().size(), "a stopped plan never runs");
    }
}

package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.job.Job;
import coffer.engine.plan.PlanScheduler;
import coffer.testing.MutableClock;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;

import java.time.Instant;

/**
 * Test helper: the plan {@code plan-web} of instance {@code u-web} under an hourly policy from {@code start}, its
 * first run queued by the real scheduler (the clock set just past the run's slot), and that scheduler for later ticks.
 * Not thread-safe.
 */
record HourlyPlanRun(PlanScheduler scheduler, Job run) {
    static HourlyPlanRun queue(Catalog catalog, MutableClock clock, Instant start) {
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        StoredPolicy hourly = catalog.policies().create(new Policy("hourly", Schedule.of(start, Interval.hours(1)),
                Retention.keepFor(RetentionPeriod.days(1)), false, ReplicationRule.OFF, ArchiveRule.OFF));
        Plan plan = catalog.plans().create("plan-web", "plan-web", "u-web", hourly.id(),
                scheduler.firstRun("plan-web", hourly.policy().schedule()));
        clock.set(plan.nextRun().plusSeconds(1));
        return new HourlyPlanRun(scheduler, scheduler.tick().queued().getFirst());
    }
}

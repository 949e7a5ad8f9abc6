package coffer.engine.plan;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.DatabaseClock;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scheduler of a lead whose host clock is an hour ahead, on the catalog database's clock ({@link DatabaseClock}):
 * a plan's slot half an hour away is not queued early (docs/reliability.md, session 20, "A server whose clock is ahead
 * or behind"; docs/design/scheduler.md).
 */
class SkewedLeadOnPostgresTest extends CatalogKindFixture {
    @Test
    void aLeadWhoseClockIsAheadQueuesNoSlotEarly() throws Exception {
        openWithEdge("postgresql", Clock.systemUTC());
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        catalog.instances().refresh("edge", List.of(new Instance("u-web", "edge", "web", "running", List.of(), now, false)));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", now, null)));
        StoredPolicy hourly = catalog.policies().create(new Policy("hourly", Schedule.of(now, Interval.hours(1)),
                Retention.keepFor(RetentionPeriod.days(1)), false, ReplicationRule.OFF, ArchiveRule.OFF));
        Plan plan = catalog.plans().create("plan-web", "plan-web", "u-web", hourly.id(), now.plus(Duration.ofMinutes(30)));

        PlanScheduler ahead = new PlanScheduler(catalog, DatabaseClock.follow(catalog,
                Clock.offset(Clock.systemUTC(), Duration.ofHours(1))), Stagger.DEFAULT);
        assertEquals(List.of(), ahead.tick().queued(), "the slot at " + plan.nextRun() + " is not due yet");
        assertEquals(plan.nextRun(), catalog.plans().find("plan-web").orElseThrow().nextRun());
    }
}

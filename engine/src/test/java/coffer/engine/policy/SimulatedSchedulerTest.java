package coffer.engine.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weeks of an hourly plan with a one-day retention, driven by a simulated clock in milliseconds of real
 * time: the scheduler loop a server would run (tick, decide, queue the run and persist the next-run time
 * in one transaction, sweep retention), with downtimes and crashes between deciding and committing.
 */
class SimulatedSchedulerTest {
    private static final Instant CREATED = Instant.parse("2024-03-01T09:17:00Z");
    private static final Duration TICK = Duration.ofSeconds(30);
    private static final Schedule HOURLY = Schedule.parse("I|1709283600|PT1H"); // 2024-03-01T09:00Z
    private static final Retention ONE_DAY = Retention.keepFor(RetentionPeriod.days(1));

    /** One plan as the scheduler sees it: persisted next-run time, points, the runs made. */
    static final class SimulatedPlan {
        final Schedule schedule;
        Instant persistedNextRun;
        final List<RetentionFacts> points = new ArrayList<>();
        final List<Instant> slotsRun = new ArrayList<>();
        final List<Duration> lateness = new ArrayList<>();
        long coalesced;
        int maxPointsKept;

        SimulatedPlan(Schedule schedule, Instant created) {
            this.schedule = schedule;
            this.persistedNextRun = schedule.nextAfter(created.minusSeconds(1));
        }

        /** One tick; {@code crashBeforeCommit}: the server dies after deciding, before committing. */
        void tick(Instant now, boolean crashBeforeCommit) {
            RunDecision decision = RunDecision.decide(schedule, persistedNextRun, now);
            if (crashBeforeCommit || !decision.runs()) {
                return;
            }
            // one transaction: queue the run (here: the point appears) and persist the next run time
            slotsRun.add(decision.runFor().orElseThrow());
            lateness.add(decision.lateness(now));
            coalesced += decision.coalesced();
            points.add(RetentionFacts.policy("p" + slotsRun.size(), now));
            persistedNextRun = decision.nextRun();
        }

        void sweepRetention(Instant now) {
            List<Verdict> verdicts = ONE_DAY.evaluate(points, now, true);
            Set<String> expired = new HashSet<>();
            verdicts.stream().filter(v -> !v.kept()).forEach(v -> expired.add(v.pointId()));
            points.removeIf(p -> expired.contains(p.id()));
            maxPointsKept = Math.max(maxPointsKept, points.size());
        }
    }

    private static SimulatedPlan run(Schedule schedule, Duration length, List<Instant[]> downtimes, double crashRate,
                                     long seed) {
        SimulatedPlan plan = new SimulatedPlan(schedule, CREATED);
        Random random = new Random(seed);
        for (Instant now = CREATED; now.isBefore(CREATED.plus(length)); now = now.plus(TICK)) {
            Instant t = now;
            if (downtimes.stream().anyMatch(d -> !t.isBefore(d[0]) && t.isBefore(d[1]))) {
                continue;
            }
            plan.tick(now, random.nextDouble() < crashRate);
            if (now.getEpochSecond() % 3600 == 0) {
                plan.sweepRetention(now);
            }
        }
        return plan;
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void sixWeeksHourlyWithoutDowntimeRunEverySlotOnceAndOnTime() {
        Duration sixWeeks = Duration.ofDays(42);
        SimulatedPlan plan = run(HOURLY, sixWeeks, List.of(), 0, 1);
        long slots = HOURLY.slotsBetween(CREATED, CREATED.plus(sixWeeks).minus(TICK));
        assertEquals(slots, plan.slotsRun.size());
        assertEquals(slots, new HashSet<>(plan.slotsRun).size(), "no slot twice");
        assertEquals(0, plan.coalesced);
        assertTrue(plan.lateness.stream().allMatch(l -> l.compareTo(TICK) < 0), "on time, within one tick");
        assertEquals(Instant.parse("2024-03-01T10:00:00Z"), plan.slotsRun.getFirst(), "first run: first slot after creation");
        assertTrue(plan.maxPointsKept <= 25, "one day of hourly points: " + plan.maxPointsKept);
        assertTrue(plan.points.size() >= 24, "a day's points remain: " + plan.points.size());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void downtimesGiveOneCatchUpRunThenTheRegularSlots() {
        Instant shortDownFrom = Instant.parse("2024-03-05T11:50:00Z"); // over the 12:00 slot, 20 minutes
        Instant shortDownTo = Instant.parse("2024-03-05T12:10:00Z");
        Instant longDownFrom = Instant.parse("2024-03-10T03:30:00Z"); // three days and a bit
        Instant longDownTo = Instant.parse("2024-03-13T05:15:00Z");
        SimulatedPlan plan = run(HOURLY, Duration.ofDays(21),
                List.of(new Instant[] {shortDownFrom, shortDownTo}, new Instant[] {longDownFrom, longDownTo}), 0, 2);

        assertEquals(plan.slotsRun.size(), new HashSet<>(plan.slotsRun).size(), "no slot twice");
        int shortIndex = plan.slotsRun.indexOf(Instant.parse("2024-03-05T12:00:00Z"));
        assertEquals(Duration.ofMinutes(10), plan.lateness.get(shortIndex), "the 12:00 run starts at 12:10");
        assertEquals(Instant.parse("2024-03-05T13:00:00Z"), plan.slotsRun.get(shortIndex + 1), "then on schedule");

        int catchUp = plan.slotsRun.indexOf(Instant.parse("2024-03-13T05:00:00Z"));
        assertEquals(Instant.parse("2024-03-10T03:00:00Z"), plan.slotsRun.get(catchUp - 1), "the last run before");
        assertEquals(Duration.ofMinutes(15), plan.lateness.get(catchUp), "one catch-up run at restart");
        assertEquals(Instant.parse("2024-03-13T06:00:00Z"), plan.slotsRun.get(catchUp + 1), "then the next slot");
        assertEquals(73, plan.coalesced, "04:00 on the 10th .. 04:00 on the 13th folded into the catch-up");
        assertFalse(plan.points.isEmpty());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void crashesBetweenDecidingAndCommittingNeitherSkipNorDouble() {
        Duration twoWeeks = Duration.ofDays(14);
        Schedule staggered = HOURLY.shiftedBy(Stagger.DEFAULT.offset("plan-1", HOURLY.interval()));
        SimulatedPlan plan = run(staggered, twoWeeks, List.of(), 0.3, 3);
        long slots = staggered.slotsBetween(CREATED, CREATED.plus(twoWeeks).minus(TICK));
        assertEquals(slots, plan.slotsRun.size(), "every slot ran");
        assertEquals(slots, new HashSet<>(plan.slotsRun).size(), "none twice");
        assertEquals(0, plan.coalesced, "a crash costs a tick, not a slot");
        assertTrue(plan.slotsRun.stream().allMatch(s -> s.getEpochSecond() % 3600 == 65), "stagger of plan-1: 1m5s");
    }

    @Test
    void aLongDowntimeLeavesTheNewestPointOfTheProtectedInstance() {
        SimulatedPlan plan = new SimulatedPlan(HOURLY, CREATED);
        plan.tick(Instant.parse("2024-03-01T10:00:00Z"), false);
        plan.tick(Instant.parse("2024-03-01T11:00:00Z"), false);
        plan.sweepRetention(Instant.parse("2024-03-09T00:00:00Z")); // a week later, before any new run
        assertEquals(List.of("p2"), plan.points.stream().map(RetentionFacts::id).toList());
    }
}

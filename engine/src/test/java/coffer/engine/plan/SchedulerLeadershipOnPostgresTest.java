package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Job;
import coffer.engine.job.Jobs;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers' schedulers on one PostgreSQL catalog (two catalogs, two pools, two lead sessions): exactly one
 * schedules at a time; when the holder's session ends (what a kill -9 of its process does: also shown with a real
 * process, {@link LeadHolder}) or the holder freezes, the other takes over within seconds, and over simulated days every plan's slots are run once:
 * none skipped by the hand-over, none doubled.
 */
class SchedulerLeadershipOnPostgresTest {
    static final Instant T0 = PlanSchedulerContract.T0;
    static final Duration TICK = Duration.ofSeconds(30);
    TestDatabase database;
    MutableClock clock;
    Catalog catalogA;
    Catalog catalogB;
    LeadingScheduler serverA;
    LeadingScheduler serverB;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.postgres();
        clock = new MutableClock(T0.minusSeconds(30));
        catalogA = Catalog.open(database.config(), clock);
        catalogB = Catalog.open(database.config(), clock);
        catalogA.hosts().ensure("local", "qemu:///system");
        List<Instance> instances = IntStream.range(0, 20).mapToObj(i -> new Instance("u-" + i, "local", "vm-" + i,
                "running", List.of(), T0, false)).toList();
        catalogA.instances().refresh("local", instances);
        catalogA.protections().protect(instances.stream().map(i -> new Protection(i.id(), true, List.of(), "default", T0))
                .toList());
        PlanScheduler scheduler = new PlanScheduler(catalogA, clock, Stagger.DEFAULT);
        StoredPolicy hourly = catalogA.policies().create(PlanSchedulerContract.policy("hourly", Interval.hours(1)));
        for (Instance instance : instances) {
            String plan = "plan-" + instance.name();
            catalogA.plans().create(plan, plan, instance.id(), hourly.id(), scheduler.firstRun(plan, hourly.policy().schedule()));
        }
        serverA = new LeadingScheduler(scheduler, catalogA.leadership("scheduler"), TICK);
        serverB = new LeadingScheduler(new PlanScheduler(catalogB, clock, Stagger.DEFAULT), catalogB.leadership("scheduler"), TICK);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{serverA, serverB, catalogA, catalogB, database}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void whenTheHoldersSessionEndsTheOtherServerSchedulesWithinSecondsAndNoSlotIsSkippedOrDoubled() throws Exception {
        runFor(Duration.ofHours(10));
        LeadingScheduler holder = serverA.leading() ? serverA : serverB;
        LeadingScheduler standby = holder == serverA ? serverB : serverA;
        assertTrue(holder.leading() && !standby.leading(), "exactly one leads");

        assertEquals(1, endLeadSessions(), "the holder's lead session is ended (its process was killed)");
        Duration takeover = awaitLead(standby, Duration.ofSeconds(15));
        assertTrue(takeover.compareTo(Duration.ofSeconds(5)) < 0, "taken over within seconds: " + takeover);
        assertFalse(holder.poll().isPresent(), "the old holder finds its session gone and does not tick");
        assertFalse(holder.leading());
        runFor(Duration.ofHours(10));
        assertTrue(standby.leading() && !holder.leading(), "the new holder keeps the lead; the old one stands by");
        assertEverySlotRunOnce(Duration.ofHours(20));
        System.out.println("lead taken over " + takeover.toMillis() + " ms after the holder's session ended");
    }

    @Test
    void aFrozenHolderLosesTheLeadWhenItsSessionIdlesOutAndTheOtherTakesOver() throws Exception {
        runFor(Duration.ofHours(3));
        LeadingScheduler holder = serverA.leading() ? serverA : serverB;
        LeadingScheduler standby = holder == serverA ? serverB : serverA;
        // the holder stops polling (a frozen process: its socket stays open); the standby keeps trying
        Duration takeover = awaitLead(standby, Duration.ofSeconds(40));
        assertTrue(takeover.compareTo(Duration.ofSeconds(30)) < 0, "taken over after the idle limit: " + takeover);
        System.out.println("lead taken over " + takeover.toMillis() + " ms after the holder froze");
        assertFalse(holder.poll().isPresent(), "the thawed holder finds its session gone");
        runFor(Duration.ofHours(3));
        assertTrue(standby.leading() && !holder.leading());
        assertEverySlotRunOnce(Duration.ofHours(6));
    }

    @Test
    void aHolderProcessKilledWithSigkillLosesTheLeadWithinSeconds() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LeadHolder.class.getName(), database.config().jdbcUrl())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder log = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("leading")) {
                log.append(line).append('\n'); // the holder's start-up log
            }
            assertEquals("leading", line, "the holder process took the lead; it said:\n" + log);
            assertFalse(serverA.poll().isPresent(), "this server stands by while the other process leads");
            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no close; the kernel closes its sockets
            Duration takeover = awaitLead(serverA, Duration.ofSeconds(15));
            assertTrue(takeover.compareTo(Duration.ofSeconds(5)) < 0, "taken over within seconds of kill -9: " + takeover);
            System.out.println("lead taken over " + takeover.toMillis() + " ms after kill -9 of its holder");
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    /** Both servers poll every simulated minute; at no moment do both lead. */
    private void runFor(Duration span) {
        Instant end = clock.instant().plus(span);
        while (clock.instant().isBefore(end)) {
            clock.advance(Duration.ofMinutes(1));
            serverA.poll();
            serverB.poll();
            assertFalse(serverA.leading() && serverB.leading(), "two servers lead at " + clock.instant());
            assertTrue(serverA.leading() || serverB.leading(), "one server leads at " + clock.instant());
        }
    }

    /** Polls {@code standby} (as its server's timer would, in wall-clock time) until it leads; how long it took. */
    private static Duration awaitLead(LeadingScheduler standby, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        while (!standby.poll().isPresent()) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(limit) < 0, "no takeover within " + limit);
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Ends the session holding the scheduler's lead, as PostgreSQL does when its client process dies. */
    private int endLeadSessions() throws Exception {
        try (Connection admin = DriverManager.getConnection(database.config().jdbcUrl());
             Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_terminate_backend(l.pid) FROM pg_locks l"
                     + " JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted"
                     + " AND d.datname = current_database()")) {
            int ended = 0;
            while (rows.next()) {
                ended += rows.getBoolean(1) ? 1 : 0;
            }
            return ended;
        }
    }

    private void assertEverySlotRunOnce(Duration span) {
        Map<String, List<Job>> byPlan = new HashMap<>();
        for (Job job : catalogA.jobs().list(Jobs.Filter.ALL)) {
            byPlan.computeIfAbsent(job.params().path("plan").path("id").asText(), k -> new ArrayList<>()).add(job);
        }
        assertEquals(20, byPlan.size(), "every plan ran");
        Schedule hourly = Schedule.of(T0, Interval.hours(1));
        PlanScheduler scheduler = new PlanScheduler(catalogA, clock, Stagger.DEFAULT);
        for (Map.Entry<String, List<Job>> plan : byPlan.entrySet()) {
            Schedule effective = scheduler.effectiveSchedule(plan.getKey(), hourly);
            Set<String> slots = new HashSet<>();
            for (Job run : plan.getValue()) {
                assertTrue(slots.add(run.params().path("plan").path("slot").asText()), plan.getKey() + ": a slot run twice");
                assertEquals(0, run.params().path("plan").path("coalesced").asLong(), plan.getKey() + ": no slot folded");
            }
            assertEquals(effective.slotsBetween(T0, clock.instant()), slots.size(), plan.getKey() + ": every slot run");
        }
    }
}

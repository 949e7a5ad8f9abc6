package coffer.engine.assurance;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.instance.AppConsistency;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.CalendarUnit;
import coffer.engine.policy.DrillRule;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.VerifyVault;
import coffer.engine.vault.OneVault;
import coffer.engine.verify.VerifySettings;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server's verify and drill schedules on a SQLite catalog (no runner: the queued jobs are the answer): a vault
 * never verified gets a full verify, then nothing while it is queued, nothing for an hour after it failed, and the
 * sampled one once a day passed; a protected instance with points gets a drill job, one per host at a time, and the
 * next one {@code every} after the last.
 */
class AssuranceSchedulersTest {
    @TempDir Path dir;
    TestDatabase database;
    Catalog catalog;
    final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabase.sqlite(dir);
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("local", "qemu:///system");
    }

    @AfterEach
    void tearDown() throws Exception {
        catalog.close();
        database.close();
    }

    @Test
    void aVaultGetsItsFullVerifyThenItsSampledOnesAndNoneWhileOneIsQueuedOrJustFailed() {
        VerifyScheduler schedule = new VerifyScheduler(catalog, new OneVault(null), VerifySettings.DEFAULTS, true, clock);
        List<Job> first = schedule.tick();
        assertEquals(1, first.size());
        assertEquals(JobType.verify, first.getFirst().type());
        assertEquals(new VerifyVault("main", VerifyRun.Kind.FULL, true), first.getFirst().operation());
        assertEquals(List.of(), schedule.tick(), "one is queued");

        catalog.jobs().cancel(first.getFirst().id()); // as a failed run: nothing recorded
        assertEquals(List.of(), schedule.tick(), "no new run within the pause after a failed one");

        catalog.verifyRuns().record(new VerifyRun("r1", "main", VerifyRun.Kind.FULL, 0, 1, clock.instant(), clock.instant(),
                0, 0, 0, 0, List.of(), 0, null, null));
        clock.advance(Duration.ofHours(2));
        assertEquals(List.of(), schedule.tick(), "a full run stands in for the day's sample");
        clock.advance(Duration.ofDays(1));
        List<Job> sampled = schedule.tick();
        assertEquals(List.of(new VerifyVault("main", VerifyRun.Kind.SAMPLED, true)),
                sampled.stream().map(Job::operation).toList());
    }

    @Test
    void oneScheduledVerifyRunsAtATimeOverAllVaults() {
        coffer.engine.vault.VaultDirectory two = new coffer.engine.vault.VaultDirectory() {
            @Override
            public java.util.Set<String> names() {
                return java.util.Set.of("a", "b");
            }

            @Override
            public String defaultName() {
                return "a";
            }

            @Override
            public coffer.vault.Vault open(String name) {
                throw new UnsupportedOperationException("the schedule does not open vaults");
            }
        };
        VerifyScheduler schedule = new VerifyScheduler(catalog, two, VerifySettings.DEFAULTS, false, clock);
        List<Job> first = schedule.tick();
        assertEquals(List.of("a"), first.stream().map(Job::target).toList(), "the first vault's, alone");
        assertEquals(List.of(), schedule.tick(), "b waits while a's is queued");
        catalog.verifyRuns().record(new VerifyRun("r-a", "a", VerifyRun.Kind.FULL, 0, 1, clock.instant(), clock.instant(),
                0, 0, 0, 0, List.of(), 0, null, first.getFirst().id()));
        catalog.jobs().cancel(first.getFirst().id()); // stands in for its end (no runner here)
        assertEquals(List.of("b"), schedule.tick().stream().map(Job::target).toList(), "then b's");
    }

    @Test
    void aProtectedInstanceWithPointsGetsADrillOnePerHostAtATimeAndTheNextEveryPeriod() {
        Instant t = clock.instant();
        catalog.instances().refresh("local", List.of(new Instance("u-1", "local", "web", "running", List.of(), t, false),
                new Instance("u-2", "local", "db", "running", List.of(), t, false),
                new Instance("u-3", "local", "bare", "running", List.of(), t, false)));
        catalog.protections().protect(List.of(new Protection("u-1", true, List.of(), "main", t),
                new Protection("u-2", true, List.of(), "main", t), new Protection("u-3", true, List.of(), "main", t)));
        for (String instance : List.of("u-1", "u-2")) { // u-3 has no point yet
            catalog.points().upsert(new PointRecord("p-" + instance, "main", instance, instance, t, "available", "CRASH",
                    1, 1, null, null, List.of()));
        }
        DrillScheduler schedule = new DrillScheduler(catalog, Duration.ofDays(7), List.of("/bin/true"), clock);
        List<Job> first = schedule.tick();
        assertEquals(1, first.size(), "one drill per host at a time");
        DrillInstance asked = (DrillInstance) first.getFirst().operation();
        assertEquals(List.of("/bin/true"), asked.check());
        assertEquals(List.of(), schedule.tick(), "the host's drill is queued");

        catalog.jobs().cancel(first.getFirst().id());
        List<Job> second = schedule.tick();
        assertEquals(1, second.size());
        String other = asked.instance().equals("u-1") ? "u-2" : "u-1";
        assertEquals(other, second.getFirst().target(), "the other instance's turn");
        catalog.jobs().cancel(second.getFirst().id());
        assertEquals(List.of(), schedule.tick(), "both were drilled (or tried) within the week");

        clock.advance(Duration.ofDays(8));
        assertEquals(1, schedule.tick().size(), "a week later the next round begins");
    }

    @Test
    void aPolicysDrillRuleDrillsTheInstancesOfItsPlansWithItsCheckWithoutAServerSchedule() {
        Instant t = clock.instant();
        catalog.instances().refresh("local", List.of(new Instance("u-1", "local", "web", "running", List.of(), t, false),
                new Instance("u-2", "local", "db", "running", List.of(), t, false)));
        catalog.protections().protect(List.of(new Protection("u-1", true, List.of(), "main", t),
                new Protection("u-2", true, List.of(), "main", t)));
        for (String instance : List.of("u-1", "u-2")) {
            catalog.points().upsert(new PointRecord("p-" + instance, "main", instance, instance, t, "available", "CRASH",
                    1, 1, null, null, List.of()));
        }
        Policy drilled = new Policy("drilled", Schedule.parse("I|1631685600|P1D"),
                Retention.keepFor(new RetentionPeriod.Finite(7, CalendarUnit.DAYS)), false, ReplicationRule.OFF,
                ArchiveRule.OFF, AppConsistency.off(), new DrillRule(3, List.of("/bin/true")));
        String policy = catalog.policies().create(drilled).id();
        assertEquals(drilled, catalog.policies().find(policy).orElseThrow().policy(), "the rule is stored with the policy");
        catalog.plans().create("plan-1", "web-plan", "u-1", policy, t.plus(Duration.ofHours(1)));
        DrillScheduler schedule = new DrillScheduler(catalog, null, List.of(), clock); // the server drills nothing itself
        List<Job> first = schedule.tick();
        assertEquals(List.of(new DrillInstance("u-1", List.of("/bin/true"))), first.stream().map(Job::operation).toList(),
                "only the policy's instance, with its check");
        catalog.jobs().cancel(first.getFirst().id());
        clock.advance(Duration.ofDays(2));
        assertEquals(List.of(), schedule.tick(), "every three days");
        clock.advance(Duration.ofDays(2));
        assertEquals(1, schedule.tick().size());
    }
}

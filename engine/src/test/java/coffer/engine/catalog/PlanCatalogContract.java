package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.operation.BackupInstance;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.RetentionFacts;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Policies, plans and the points' retention columns (migration V2), one contract for every database. */
abstract class PlanCatalogContract extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @BeforeEach
    void instances() {
        webAndDb(T0);
    }

    static Policy hourly(String name) {
        return new Policy(name, Schedule.of(T0, Interval.hours(1)), Retention.keepFor(RetentionPeriod.days(1)), false,
                ReplicationRule.OFF, ArchiveRule.OFF);
    }

    @Test
    void aPolicyReadsBackEqualWithEveryField() {
        Policy full = new Policy("gfs", new Schedule(T0, Interval.days(1), ZoneId.of("Europe/Berlin")),
                new Retention(RetentionPeriod.months(3), 5, List.of(coffer.engine.policy.CalendarRule.weekly(8)),
                        ZoneId.of("Europe/Berlin")), true,
                ReplicationRule.to("east", "v2", RetentionPeriod.weeks(2), new ReplicationRule.Encryption.AssignedKey("k-1")),
                ArchiveRule.after(30));
        StoredPolicy stored = catalog.policies().create(full);
        assertEquals(full, catalog.policies().find(stored.id()).orElseThrow().policy());
        assertEquals(stored.id(), catalog.policies().resolve("gfs").orElseThrow().id());
        assertEquals(List.of("gfs"), catalog.policies().list().stream().map(StoredPolicy::name).toList());
    }

    @Test
    void policyNamesAreUnique() {
        catalog.policies().create(hourly("p"));
        CofferException e = assertThrows(CofferException.class, () -> catalog.policies().create(hourly("p")));
        assertEquals(ErrorCode.NameTaken, e.code());
        assertTrue(e.getMessage().contains("'p'"), e.getMessage());
    }

    @Test
    void anUpdateMovesTheNextRunOfEveryPlanOfThePolicy() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        Instant moved = T0.plusSeconds(7200);
        catalog.policies().update(p.id(), hourly("p2"), plan -> moved).orElseThrow();
        assertEquals("p2", catalog.policies().find(p.id()).orElseThrow().name());
        assertEquals(moved, catalog.plans().find("plan-1").orElseThrow().nextRun());
        assertTrue(catalog.policies().update("nope", hourly("x"), plan -> moved).isEmpty());
    }

    @Test
    void aPolicyInUseCannotBeDeleted() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        CofferException e = assertThrows(CofferException.class, () -> catalog.policies().delete(p.id()));
        assertEquals(ErrorCode.PolicyInUse, e.code());
        assertTrue(e.getMessage().contains("one"), e.getMessage());
        assertTrue(catalog.plans().delete("plan-1"));
        assertTrue(catalog.policies().delete(p.id()));
        assertFalse(catalog.policies().delete(p.id()));
    }

    @Test
    void anInstanceHasAtMostOnePlanAndPlanNamesAreUnique() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        Plan plan = catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        assertEquals(Plan.State.active, plan.state());
        assertEquals(T0, plan.nextRun());
        CofferException second = assertThrows(CofferException.class, () -> catalog.plans().create("plan-2", "two", "u-web", p.id(), T0));
        assertEquals(ErrorCode.PlanExists, second.code());
        assertTrue(second.getMessage().contains("'one'"), second.getMessage());
        CofferException name = assertThrows(CofferException.class, () -> catalog.plans().create("plan-3", "one", "u-db", p.id(), T0));
        assertEquals(ErrorCode.NameTaken, name.code());
        assertEquals("plan-1", catalog.plans().findByInstance("u-web").orElseThrow().id());
        assertEquals("plan-1", catalog.plans().resolve("one").orElseThrow().id());
    }

    @Test
    void rebindRenameAndStateChanges() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        StoredPolicy q = catalog.policies().create(hourly("q"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        Plan.Outcome suspended = new Plan.Outcome("PlanSuspended", "due while suspended", T0);
        Plan s = catalog.plans().setState("plan-1", Plan.State.suspended, T0.plusSeconds(60), suspended).orElseThrow();
        assertEquals(Plan.State.suspended, s.state());
        assertEquals(suspended, s.lastOutcome());
        Plan rebound = catalog.plans().rebind("plan-1", q.id(), T0.plusSeconds(3600)).orElseThrow();
        assertEquals(q.id(), rebound.policyId());
        assertEquals(Plan.State.active, rebound.state());
        assertNull(rebound.lastOutcome());
        assertEquals("uno", catalog.plans().rename("plan-1", "uno").orElseThrow().name());
        assertEquals(List.of("plan-1"), catalog.plans().listByPolicy(q.id()).stream().map(Plan::id).toList());
        assertEquals(1, catalog.plans().deleteByInstance("u-web"));
        assertTrue(catalog.plans().find("plan-1").isEmpty());
    }

    @Test
    void queueRunQueuesOnceForTheExpectedNextRun() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        var params = new BackupInstance("u-web", "default", null, null, null, false, null, null, null);
        Optional<Job> job = catalog.plans().queueRun("plan-1", T0, T0.plusSeconds(3600), params, "local", T0);
        assertTrue(job.isPresent());
        assertEquals("default", job.get().params().path("vault").asText());
        Optional<Job> again = catalog.plans().queueRun("plan-1", T0, T0.plusSeconds(3600), params, "local", T0);
        assertTrue(again.isEmpty(), "the slot was decided already");
        assertEquals(1, catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).size());
        Plan plan = catalog.plans().find("plan-1").orElseThrow();
        assertEquals(T0.plusSeconds(3600), plan.nextRun());
        assertEquals(job.get().id(), plan.lastJobId());
        assertEquals("Queued", plan.lastOutcome().code());
    }

    /**
     * A tick's runs queued in one statement come back in the order given, and each job is in its host's region (a host
     * never placed: {@code local}), as a job submitted alone (docs/design/scheduler.md).
     */
    @Test
    void runsQueuedTogetherComeBackInOrderInTheirHostsRegions() {
        catalog.hosts().ensure("far", "qemu+ssh://far/system");
        catalog.hosts().place("far", "east");
        catalog.instances().refresh("far", List.of(new Instance("u-far", "far", "far", "running", List.of(), T0, false)));
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-far", "far", "u-far", p.id(), T0);
        catalog.plans().create("plan-web", "web", "u-web", p.id(), T0);
        Instant next = T0.plusSeconds(3600);
        List<Job> queued = catalog.plans().queueRuns(List.of(
                new Plans.DueRun("plan-far", T0, next, BackupInstance.of("u-far"), "far"),
                new Plans.DueRun("plan-web", T0, next, BackupInstance.of("u-web"), "local")), T0);
        assertEquals(List.of("u-far", "u-web"), queued.stream().map(Job::target).toList(), "the order given");
        assertEquals(List.of("far", "local"), queued.stream().map(Job::hostId).toList());
        assertEquals(List.of(JobState.queued, JobState.queued), queued.stream().map(Job::state).toList());
        assertEquals(List.of(queued.get(0).id()), catalog.jobs().list(new Jobs.Filter(null, null, null, null, null, null,
                null, null, "east")).stream().map(Job::id).toList(), "the placed host's region");
        assertEquals(List.of(queued.get(1).id()), catalog.jobs().list(new Jobs.Filter(null, null, null, null, null, null,
                null, null, "local")).stream().map(Job::id).toList(), "a host never placed: local");
        assertEquals(queued.get(0).id(), catalog.plans().find("plan-far").orElseThrow().lastJobId());
    }

    @Test
    void howItsLastRunEndedBecomesThePlansLastOutcome() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        Instant hour = T0.plusSeconds(3600);

        Job first = catalog.plans().queueRun("plan-1", T0, hour, BackupInstance.of("u-web"), "local", T0).orElseThrow();
        Job unrelated = catalog.jobs().submit(BackupInstance.of("u-db"), "local");
        catalog.jobs().claimNext("w1", 4, T0);
        catalog.jobs().claimNext("w1", 4, T0);
        assertTrue(catalog.jobs().finish(unrelated.id(), "w1", new Jobs.Outcome(JobState.succeeded, null, null, null), T0));
        assertEquals("Queued", catalog.plans().find("plan-1").orElseThrow().lastOutcome().code(), "not the plan's run");
        assertTrue(catalog.jobs().finish(first.id(), "w1", new Jobs.Outcome(JobState.succeeded, null, null, null), T0.plusSeconds(60)));
        Plan.Outcome succeeded = catalog.plans().find("plan-1").orElseThrow().lastOutcome();
        assertEquals(new Plan.Outcome("Succeeded", "backup job " + first.id() + " succeeded", T0.plusSeconds(60)), succeeded);

        Job second = catalog.plans().queueRun("plan-1", hour, hour.plusSeconds(3600), BackupInstance.of("u-web"), "local", hour).orElseThrow();
        catalog.jobs().claimNext("w1", 4, hour);
        assertTrue(catalog.jobs().finish(second.id(), "w1", new Jobs.Outcome(JobState.failed, null,
                ErrorCode.VaultBusy.name(), "vault 'default' is busy"), hour.plusSeconds(5)));
        assertEquals(new Plan.Outcome("VaultBusy", "vault 'default' is busy", hour.plusSeconds(5)),
                catalog.plans().find("plan-1").orElseThrow().lastOutcome());

        Instant two = hour.plusSeconds(3600);
        Job lost = catalog.plans().queueRun("plan-1", two, two.plusSeconds(3600), BackupInstance.of("u-web"), "local", two).orElseThrow();
        catalog.jobs().claimNext("w1", 4, two);
        assertTrue(catalog.jobs().failLost(lost.id(), "w1", "worker lost: w1 stopped", two.plusSeconds(1)));
        assertEquals("WorkerLost", catalog.plans().find("plan-1").orElseThrow().lastOutcome().code());

        Instant three = two.plusSeconds(3600);
        Job cancelled = catalog.plans().queueRun("plan-1", three, three.plusSeconds(3600), BackupInstance.of("u-web"), "local", three).orElseThrow();
        catalog.jobs().claimNext("w1", 4, three);
        assertTrue(catalog.plans().stop("plan-1", new Plan.Outcome("InstanceReleased", "gone", three.plusSeconds(1))));
        assertTrue(catalog.jobs().finish(cancelled.id(), "w1", new Jobs.Outcome(JobState.cancelled, null,
                ErrorCode.Cancelled.name(), "cancelled"), three.plusSeconds(2)));
        assertEquals("InstanceReleased", catalog.plans().find("plan-1").orElseThrow().lastOutcome().code(),
                "an outcome recorded after the run was queued is kept");
    }

    /**
     * A worker thread's end with its next claim ({@code finishAndClaim}, docs/design/jobs.md "Claiming"): the ended run
     * keeps its state, last lines, progress and its plan's outcome; the claim sees the end (the freed slot of a host at
     * its limit is taken), writes its start line, never goes past a host's limit, and is made even when the job was no
     * longer the worker's.
     */
    @Test
    void aRunsEndWithTheNextClaimKeepsItsOutcomeAndTakesTheSlotItFreed() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
        Job run = catalog.plans().queueRun("plan-1", T0, T0.plusSeconds(3600), BackupInstance.of("u-web"), "local", T0)
                .orElseThrow();
        Job next = catalog.jobs().submit(BackupInstance.of("u-db"), "local");
        Job third = catalog.jobs().submit(BackupInstance.of("u-db"), "local");
        assertEquals(List.of(run.id()), catalog.jobs().claim("w1", 1, 5, T0).stream().map(Job::id).toList(), "limit 1");

        Instant end = T0.plusSeconds(60);
        WorkerJobs.Ended ended = catalog.jobs().finishAndClaim(run.id(), "w1", new Jobs.Outcome(JobState.succeeded,
                        null, null, null), end, List.of(new WorkerJobs.LogLine(T0.plusSeconds(30), "warning", "vdb skipped"),
                        new WorkerJobs.LogLine(end, "info", "succeeded")), new WorkerJobs.Progress(1000, 1000, 20, 0), 1, 1);
        assertTrue(ended.finished());
        Job done = catalog.jobs().find(run.id()).orElseThrow();
        assertEquals(JobState.succeeded, done.state());
        assertEquals(end, done.finishedAt());
        assertEquals(List.of(1000L, 1000L, 20L, 0L), List.of(done.bytesDone(), done.bytesTotal(), done.bytesPerSecond(),
                done.etaSeconds()));
        assertEquals(List.of("started on worker w1", "vdb skipped", "succeeded"),
                catalog.jobs().log(run.id()).stream().map(coffer.engine.job.JobLogEntry::message).toList());
        assertEquals(new Plan.Outcome("Succeeded", "backup job " + run.id() + " succeeded", end),
                catalog.plans().find("plan-1").orElseThrow().lastOutcome());
        assertEquals(List.of(next.id()), ended.claimed().stream().map(Job::id).toList(),
                "the slot its end freed on a host at its limit");
        Job claimed = catalog.jobs().find(next.id()).orElseThrow();
        assertEquals(JobState.running, claimed.state());
        assertEquals(end, claimed.startedAt());
        assertEquals(List.of("started on worker w1"),
                catalog.jobs().log(next.id()).stream().map(coffer.engine.job.JobLogEntry::message).toList());

        Job elsewhere = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        WorkerJobs.Ended again = catalog.jobs().finishAndClaim(run.id(), "w1", new Jobs.Outcome(JobState.failed, null,
                ErrorCode.Internal.name(), "late"), end.plusSeconds(1), List.of(), null, 1, 5);
        assertFalse(again.finished(), "ends once");
        assertEquals(JobState.succeeded, catalog.jobs().find(run.id()).orElseThrow().state());
        assertEquals(List.of(elsewhere.id()), again.claimed().stream().map(Job::id).toList(),
                "claimed all the same; the third waits: its host is at its limit");
        assertEquals(JobState.queued, catalog.jobs().find(third.id()).orElseThrow().state());
        assertEquals("Succeeded", catalog.plans().find("plan-1").orElseThrow().lastOutcome().code());
        assertTrue(catalog.jobs().finishAndClaim(next.id(), "w1", new Jobs.Outcome(JobState.cancelled, null,
                ErrorCode.Cancelled.name(), "cancelled"), end.plusSeconds(2), List.of(), null, 1, 0).claimed().isEmpty(),
                "nothing asked for, nothing claimed");
        assertEquals(JobState.cancelled, catalog.jobs().find(next.id()).orElseThrow().state());
        assertEquals(JobState.queued, catalog.jobs().find(third.id()).orElseThrow().state());
    }

    @Test
    void aSuspendedPlanQueuesNothingButRecordsTheSkippedRun() {
        StoredPolicy p = catalog.policies().create(hourly("p"));
        catalog.plans().create("plan-1", "one", "u-web", p.id(), T0);
        catalog.plans().setState("plan-1", Plan.State.suspended, T0, null);
        assertTrue(catalog.plans().queueRun("plan-1", T0, T0.plusSeconds(3600), BackupInstance.of("u-web"), "local", T0).isEmpty());
        assertTrue(catalog.plans().queueNow("plan-1", BackupInstance.of("u-web"), "local", T0).isEmpty());
        assertTrue(catalog.plans().skipSuspended("plan-1", T0, T0.plusSeconds(3600), new Plan.Outcome("PlanSuspended", "m", T0)));
        assertFalse(catalog.plans().skipSuspended("plan-1", T0, T0.plusSeconds(3600), new Plan.Outcome("PlanSuspended", "m", T0)));
        assertEquals(0, catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).size());
        assertEquals("PlanSuspended", catalog.plans().find("plan-1").orElseThrow().lastOutcome().code());
        assertTrue(catalog.plans().stop("plan-1", new Plan.Outcome("InstanceReleased", "gone", T0)));
        assertFalse(catalog.plans().stop("plan-1", new Plan.Outcome("InstanceReleased", "gone", T0)));
        assertEquals(Plan.State.stopped, catalog.plans().find("plan-1").orElseThrow().state());
    }

    @Test
    void pointRetentionColumnsDefaultToManualAndCanBeMarkedAndPinned() {
        Instant expires = T0.plusSeconds(86_400);
        catalog.points().upsert(new PointRecord("p-1", "default", "u-web", "web", T0, "available", "CRASH", 1, 1, expires, null, List.of()));
        catalog.points().upsert(new PointRecord("p-2", "default", "u-web", "web", T0.plusSeconds(1), "available", "CRASH", 1, 1, null, null, List.of()));
        PointRetention manual = catalog.pointRetentions().find("p-1").orElseThrow();
        assertEquals(RetentionFacts.Origin.MANUAL, manual.origin());
        assertEquals(PointExpiry.at(expires), manual.expiry());
        assertEquals(PointExpiry.never(), catalog.pointRetentions().find("p-2").orElseThrow().expiry());

        catalog.pointRetentions().markPolicy("p-2", "plan-1", "pol-1", true);
        PointRetention policy = catalog.pointRetentions().find("p-2").orElseThrow();
        assertEquals(RetentionFacts.Origin.POLICY, policy.origin());
        assertEquals(PointExpiry.byRules(), policy.expiry());
        assertTrue(policy.immutable());
        assertEquals("plan-1", policy.planId());
        assertEquals("pol-1", policy.policyId());

        catalog.pointRetentions().pin("p-2", PointExpiry.at(expires), expires);
        assertEquals(PointExpiry.at(expires), catalog.pointRetentions().find("p-2").orElseThrow().expiry());
        assertEquals(expires, catalog.points().find("p-2").orElseThrow().expiresAt());
        catalog.pointRetentions().pin("p-2", PointExpiry.never(), null);
        assertEquals(PointExpiry.never(), catalog.pointRetentions().find("p-2").orElseThrow().expiry());
        catalog.pointRetentions().showExpiry("p-1", null);
        assertNull(catalog.points().find("p-1").orElseThrow().expiresAt());
        assertEquals(List.of("p-1", "p-2"), catalog.pointRetentions().ofInstance("u-web").stream().map(PointRetention::pointId).toList());
        assertEquals(List.of("u-web"), catalog.pointRetentions().instancesWithPoints());
    }
}

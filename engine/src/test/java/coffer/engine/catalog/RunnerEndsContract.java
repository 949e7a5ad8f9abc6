package coffer.engine.catalog;

import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobLogEntry;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import coffer.engine.operation.BackupInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A runner's loop ends its worker threads' jobs with its next claim ({@link WorkerJobs#finishAllAndClaim},
 * docs/design/jobs.md "Claiming"): every job of the batch ends as its own end would (state, time, last lines and
 * progress, its plan's outcome), exactly once, and the claim after them takes the slots they freed, never more than a
 * host's limit. One contract for every database (PostgreSQL: one statement).
 */
abstract class RunnerEndsContract extends CatalogFixture {
    static final Instant T0 = PlanCatalogContract.T0;

    @BeforeEach
    void instances() {
        webAndDb(T0);
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
    }

    private static List<String> log(Catalog catalog, Job job) {
        return catalog.jobs().log(job.id()).stream().map(JobLogEntry::message).toList();
    }

    @Test
    void theLoopsEndsOfSeveralJobsAreEachWrittenOnceAndItsClaimTakesTheSlotsTheyFreed() {
        StoredPolicy p = catalog.policies().create(PlanCatalogContract.hourly("p"));
        catalog.plans().create("plan-web", "web", "u-web", p.id(), T0);
        catalog.plans().create("plan-db", "db", "u-db", p.id(), T0);
        Job web = catalog.plans().queueRun("plan-web", T0, T0.plusSeconds(3600), BackupInstance.of("u-web"), "local", T0)
                .orElseThrow();
        Job db = catalog.plans().queueRun("plan-db", T0, T0.plusSeconds(3600), BackupInstance.of("u-db"), "other", T0)
                .orElseThrow();
        Job lost = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        Job nextLocal = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        Job nextOther = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        Job waiting = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        assertEquals(List.of(web.id(), db.id()), catalog.jobs().claim("w1", 1, 5, T0).stream().map(Job::id).toList(),
                "limit 1 a host");
        // a third job of w1 failed as lost by another server meanwhile: its end is not written, its lines are kept
        catalog.jobs().claim("w1", 2, 1, T0);
        assertTrue(catalog.jobs().failLost(lost.id(), "w1", "worker lost: test", T0.plusSeconds(5)));

        Instant webEnd = T0.plusSeconds(60);
        Instant dbEnd = T0.plusSeconds(61);
        WorkerJobs.EndsAndClaims done = catalog.jobs().finishAllAndClaim("w1", List.of(
                new WorkerJobs.End(web.id(), new Jobs.Outcome(JobState.succeeded, null, null, null), webEnd,
                        List.of(new WorkerJobs.LogLine(T0.plusSeconds(30), "warning", "vdb skipped"),
                                new WorkerJobs.LogLine(webEnd, "info", "succeeded")),
                        new WorkerJobs.Progress(1000, 1000, 20, 0)),
                new WorkerJobs.End(db.id(), new Jobs.Outcome(JobState.failed, null, ErrorCode.SourceUnreadable.name(),
                        "locked"), dbEnd, List.of(new WorkerJobs.LogLine(dbEnd, "error", "SourceUnreadable: locked")), null),
                new WorkerJobs.End(lost.id(), new Jobs.Outcome(JobState.succeeded, null, null, null), dbEnd,
                        List.of(new WorkerJobs.LogLine(dbEnd, "info", "succeeded late")), null)),
                1, 5, dbEnd.plusSeconds(1));

        assertEquals(Set.of(web.id(), db.id()), done.finished(), "the lost job is not ended again");
        Job webDone = catalog.jobs().find(web.id()).orElseThrow();
        assertEquals(JobState.succeeded, webDone.state());
        assertEquals(webEnd, webDone.finishedAt(), "ended when its handler ended, not when the loop wrote it");
        assertEquals(List.of(1000L, 1000L, 20L, 0L), List.of(webDone.bytesDone(), webDone.bytesTotal(),
                webDone.bytesPerSecond(), webDone.etaSeconds()));
        assertEquals(List.of("started on worker w1", "vdb skipped", "succeeded"), log(catalog, web));
        Job dbDone = catalog.jobs().find(db.id()).orElseThrow();
        assertEquals(List.of(JobState.failed, "SourceUnreadable", "locked", dbEnd), List.of(dbDone.state(),
                dbDone.errorCode(), dbDone.errorMessage(), dbDone.finishedAt()));
        assertEquals(new Plan.Outcome("Succeeded", "backup job " + web.id() + " succeeded", webEnd),
                catalog.plans().find("plan-web").orElseThrow().lastOutcome());
        assertEquals(new Plan.Outcome("SourceUnreadable", "locked", dbEnd),
                catalog.plans().find("plan-db").orElseThrow().lastOutcome());
        Job lostRow = catalog.jobs().find(lost.id()).orElseThrow();
        assertEquals(List.of(JobState.failed, "WorkerLost"), List.of(lostRow.state(), lostRow.errorCode()));
        assertTrue(log(catalog, lost).contains("succeeded late"), "its lines kept " + log(catalog, lost));

        assertEquals(List.of(nextLocal.id(), nextOther.id()), done.claimed().stream().map(Job::id).toList(),
                "the slots the ends freed, one a host (limit 1)");
        for (Job claimed : done.claimed()) {
            Job row = catalog.jobs().find(claimed.id()).orElseThrow();
            assertEquals(List.of(JobState.running, "w1", dbEnd.plusSeconds(1)), List.of(row.state(),
                    catalog.jobs().claims().stream().filter(c -> c.jobId().equals(row.id())).findFirst().orElseThrow()
                            .workerId(), row.startedAt()));
            assertEquals(List.of("started on worker w1"), log(catalog, row));
        }
        assertEquals(JobState.queued, catalog.jobs().find(waiting.id()).orElseThrow().state(), "its host is at its limit");

        WorkerJobs.EndsAndClaims again = catalog.jobs().finishAllAndClaim("w1", List.of(new WorkerJobs.End(web.id(),
                new Jobs.Outcome(JobState.failed, null, ErrorCode.Internal.name(), "late"), dbEnd.plusSeconds(5),
                List.of(), null)), 1, 0, dbEnd.plusSeconds(5));
        assertTrue(again.finished().isEmpty() && again.claimed().isEmpty(), "ends once; nothing asked, nothing claimed");
        assertEquals(JobState.succeeded, catalog.jobs().find(web.id()).orElseThrow().state());
        assertEquals("Succeeded", catalog.plans().find("plan-web").orElseThrow().lastOutcome().code());
    }
}

package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.JobLogEntry;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import coffer.engine.operation.BackupInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jobs that end with more last log lines than one PostgreSQL statement can carry (65,535 parameters, four a line):
 * every line is written, in order, the jobs end and the claim after them still takes its jobs
 * ({@link WorkerJobs#finishAllAndClaim}, {@link WorkerJobs#finish}; docs/design/jobs.md "Running"). Also a runner's
 * loop with more ends than one statement holds. One contract for every database.
 */
abstract class ManyLinesEndsContract extends CatalogFixture {
    static final Instant T0 = PlanCatalogContract.T0;
    /** 68,000 parameters in one statement: more than PostgreSQL takes. */
    static final int MANY = 17_000;

    @BeforeEach
    void instances() {
        webAndDb(T0);
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
    }

    static List<WorkerJobs.LogLine> lines(String job, int count) {
        return IntStream.range(0, count).mapToObj(i -> new WorkerJobs.LogLine(T0.plusMillis(i), "info", job + " line " + i))
                .toList();
    }

    List<String> log(Job job) {
        return catalog.jobs().log(job.id()).stream().map(JobLogEntry::message).toList();
    }

    static List<String> expected(List<WorkerJobs.LogLine> lines) {
        List<String> all = new ArrayList<>(List.of("started on worker w1"));
        lines.forEach(l -> all.add(l.message()));
        return all;
    }

    static Jobs.Outcome succeeded() {
        return new Jobs.Outcome(JobState.succeeded, null, null, null);
    }

    @Test
    void theLoopsEndsWithMoreLinesThanAStatementCarriesAreAllWrittenAndItsClaimTakesItsJob() {
        Job web = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        Job db = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        Job next = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        assertEquals(List.of(web.id(), db.id()), catalog.jobs().claim("w1", 1, 5, T0).stream().map(Job::id).toList());
        List<WorkerJobs.LogLine> webLines = lines("web", MANY);
        List<WorkerJobs.LogLine> dbLines = lines("db", 3);
        Instant end = T0.plusSeconds(60);

        WorkerJobs.EndsAndClaims done = catalog.jobs().finishAllAndClaim("w1", List.of(
                new WorkerJobs.End(web.id(), succeeded(), end, webLines, null),
                new WorkerJobs.End(db.id(), succeeded(), end, dbLines, null)), 1, 1, end);

        assertEquals(Set.of(web.id(), db.id()), done.finished());
        assertEquals(List.of(next.id()), done.claimed().stream().map(Job::id).toList(), "the slot the end freed is taken");
        assertEquals(expected(webLines), log(web), "every line, in order");
        assertEquals(expected(dbLines), log(db));
        assertEquals(JobState.succeeded, catalog.jobs().find(web.id()).orElseThrow().state());
    }

    @Test
    void aJobsOwnEndWithMoreLinesThanAStatementCarriesWritesThemAll() {
        Job web = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        Job next = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        catalog.jobs().claim("w1", 1, 1, T0);
        List<WorkerJobs.LogLine> webLines = lines("web", MANY);

        WorkerJobs.Ended ended = catalog.jobs().finishAndClaim(web.id(), "w1", succeeded(), T0.plusSeconds(60), webLines,
                null, 1, 1);

        assertEquals(true, ended.finished());
        assertEquals(List.of(next.id()), ended.claimed().stream().map(Job::id).toList(), "its next claim kept");
        assertEquals(expected(webLines), log(web));
        Job again = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        catalog.jobs().claim("w1", 1, 1, T0);
        List<WorkerJobs.LogLine> againLines = lines("again", MANY);
        assertEquals(true, catalog.jobs().finish(again.id(), "w1", succeeded(), T0.plusSeconds(61), againLines, null));
        assertEquals(expected(againLines), log(again));
    }

    @Test
    void moreEndsThanAStatementHoldsAreEachWrittenOnce() {
        int count = 1_100;
        List<Job> jobs = IntStream.range(0, count).mapToObj(i -> catalog.jobs().submit(BackupInstance.of("u-web"), "local"))
                .toList();
        int claimed = 0;
        for (List<Job> some; claimed < count && !(some = catalog.jobs().claim("w1", count, count, T0)).isEmpty(); ) {
            claimed += some.size(); // a claim takes up to its candidates at a time
        }
        assertEquals(count, claimed);
        Job next = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        List<WorkerJobs.End> ends = jobs.stream().map(j -> new WorkerJobs.End(j.id(), succeeded(), T0.plusSeconds(1),
                lines(j.id(), 2), null)).toList();

        WorkerJobs.EndsAndClaims done = catalog.jobs().finishAllAndClaim("w1", ends, count, 1, T0.plusSeconds(2));

        assertEquals(jobs.stream().map(Job::id).collect(Collectors.toSet()), done.finished());
        assertEquals(List.of(next.id()), done.claimed().stream().map(Job::id).toList());
        assertEquals(count, catalog.jobs().list(new Jobs.Filter(JobState.succeeded, null, null, null)).size());
        assertEquals(expected(lines(jobs.getLast().id(), 2)), log(jobs.getLast()));
    }
}

package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.WorkerJobs;
import coffer.engine.operation.BackupInstance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ends with many log lines on a PostgreSQL catalog; and the ends of a runner's loop with their lines within one
 * statement's bound stay one statement with the claim (the fast path: docs/performance.md, "Scheduler").
 */
class ManyLinesEndsOnPostgresTest extends ManyLinesEndsContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }

    @Test
    void endsWithinTheBoundAreOneStatementWithTheClaim() {
        Job web = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        Job db = catalog.jobs().submit(BackupInstance.of("u-db"), "other");
        Job next = catalog.jobs().submit(BackupInstance.of("u-web"), "local");
        catalog.jobs().claim("w1", 1, 5, T0);
        int half = SqlJobs.LINES_PER_STATEMENT / 2;
        long before = catalog.statementsRun();

        WorkerJobs.EndsAndClaims done = catalog.jobs().finishAllAndClaim("w1", List.of(
                new WorkerJobs.End(web.id(), succeeded(), T0.plusSeconds(1), lines("web", half), null),
                new WorkerJobs.End(db.id(), succeeded(), T0.plusSeconds(1), lines("db", half), null)), 1, 1, T0.plusSeconds(2));

        assertEquals(1, catalog.statementsRun() - before, "the ends, their lines and the claim in one statement");
        assertEquals(List.of(next.id()), done.claimed().stream().map(Job::id).toList());
        assertEquals(expected(lines("web", half)), log(web));
    }
}

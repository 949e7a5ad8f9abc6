package coffer.engine.job;

import coffer.engine.catalog.TestDatabase;

/** The job runner contract on PostgreSQL (scripts/setup-postgres; COFFER_TEST_POSTGRES_URL). */
class JobRunnerOnPostgresTest extends JobRunnerContract {
    @Override
    TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

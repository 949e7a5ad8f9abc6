package coffer.engine.catalog;

/** The runner's ends with its claims on PostgreSQL (scripts/setup-postgres; COFFER_TEST_POSTGRES_URL): one statement. */
class RunnerEndsOnPostgresTest extends RunnerEndsContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

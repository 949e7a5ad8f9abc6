package coffer.engine.catalog;

/** The assurance catalog contract on PostgreSQL (scripts/setup-postgres; COFFER_TEST_POSTGRES_URL). */
class AssuranceCatalogOnPostgresTest extends AssuranceCatalogContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

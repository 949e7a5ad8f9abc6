package coffer.engine.catalog;

/** The catalog contract on PostgreSQL (scripts/setup-postgres; COFFER_TEST_POSTGRES_URL). */
class CatalogOnPostgresTest extends CatalogContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

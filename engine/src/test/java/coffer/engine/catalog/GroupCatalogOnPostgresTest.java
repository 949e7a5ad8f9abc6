package coffer.engine.catalog;

/** The group catalog contract on PostgreSQL (scripts/setup-postgres; COFFER_TEST_POSTGRES_URL). */
class GroupCatalogOnPostgresTest extends GroupCatalogContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

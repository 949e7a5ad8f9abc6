package coffer.engine.catalog;

/** The plan catalog contract on PostgreSQL (scripts/setup-postgres; COFFER_TEST_POSTGRES_URL). */
class PlanCatalogOnPostgresTest extends PlanCatalogContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

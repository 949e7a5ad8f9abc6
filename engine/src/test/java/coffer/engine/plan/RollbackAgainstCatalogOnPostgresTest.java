package coffer.engine.plan;

import coffer.engine.catalog.TestDatabase;

/** {@link RollbackAgainstCatalogTest} on PostgreSQL (V28's tables there). */
class RollbackAgainstCatalogOnPostgresTest extends RollbackAgainstCatalogTest {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

package coffer.engine.plan;

import coffer.engine.catalog.TestDatabase;

/** The paged tick on a PostgreSQL catalog. */
class PagedTickOnPostgresTest extends PagedTickContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

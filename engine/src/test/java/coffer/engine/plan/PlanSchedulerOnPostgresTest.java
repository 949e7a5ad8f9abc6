package coffer.engine.plan;

import coffer.engine.catalog.TestDatabase;

/** The scheduler contract on a PostgreSQL catalog. */
class PlanSchedulerOnPostgresTest extends PlanSchedulerContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }
}

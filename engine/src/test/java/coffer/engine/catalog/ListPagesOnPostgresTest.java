package coffer.engine.catalog;

/** The paged lists on PostgreSQL, with 10,000 points. */
class ListPagesOnPostgresTest extends ListPagesContract {
    @Override
    protected TestDatabase database() throws Exception {
        return TestDatabase.postgres();
    }

    @Override
    int points() {
        return 10_000;
    }
}

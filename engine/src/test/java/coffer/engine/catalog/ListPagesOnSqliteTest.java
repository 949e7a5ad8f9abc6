package coffer.engine.catalog;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The paged lists on SQLite, with 3,000 points. */
class ListPagesOnSqliteTest extends ListPagesContract {
    @TempDir
    Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }

    @Override
    int points() {
        return 3_000;
    }
}

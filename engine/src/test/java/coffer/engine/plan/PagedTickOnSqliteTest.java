package coffer.engine.plan;

import coffer.engine.catalog.TestDatabase;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The paged tick on an SQLite catalog. */
class PagedTickOnSqliteTest extends PagedTickContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

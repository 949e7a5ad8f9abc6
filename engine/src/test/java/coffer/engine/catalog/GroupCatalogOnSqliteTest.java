package coffer.engine.catalog;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The group catalog contract on an SQLite file. */
class GroupCatalogOnSqliteTest extends GroupCatalogContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

package coffer.engine.catalog;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The assurance catalog contract on an SQLite file. */
class AssuranceCatalogOnSqliteTest extends AssuranceCatalogContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

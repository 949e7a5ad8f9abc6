package coffer.engine.catalog;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The plan catalog contract on an SQLite file. */
class PlanCatalogOnSqliteTest extends PlanCatalogContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

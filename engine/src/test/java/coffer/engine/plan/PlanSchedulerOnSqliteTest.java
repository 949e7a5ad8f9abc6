package coffer.engine.plan;

import coffer.engine.catalog.TestDatabase;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The scheduler contract on an SQLite catalog. */
class PlanSchedulerOnSqliteTest extends PlanSchedulerContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

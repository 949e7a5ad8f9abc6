package coffer.engine.job;

import coffer.engine.catalog.TestDatabase;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The job runner contract on an SQLite file. */
class JobRunnerOnSqliteTest extends JobRunnerContract {
    @TempDir Path dir;

    @Override
    TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

package coffer.engine.catalog;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The runner's ends with its claims on SQLite: each end's transaction, then the claim's. */
class RunnerEndsOnSqliteTest extends RunnerEndsContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

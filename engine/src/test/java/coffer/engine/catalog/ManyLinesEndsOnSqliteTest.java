package coffer.engine.catalog;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Ends with many log lines on an SQLite catalog. */
class ManyLinesEndsOnSqliteTest extends ManyLinesEndsContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}

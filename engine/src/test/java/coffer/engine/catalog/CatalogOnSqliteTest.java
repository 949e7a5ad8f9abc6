package coffer.engine.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The catalog contract on an SQLite file. */
class CatalogOnSqliteTest extends CatalogContract {
    @TempDir Path dir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }

    @Test
    void sqliteConnectionsUseWalBusyTimeoutAndForeignKeys() {
        assertEquals(List.of("wal"), catalog.sql().query("PRAGMA journal_mode", r -> r.getString(1)));
        assertEquals(List.of(1), catalog.sql().query("PRAGMA foreign_keys", r -> r.getInt(1)));
        assertEquals(List.of(Catalog.SQLITE_BUSY_TIMEOUT_MS), catalog.sql().query("PRAGMA busy_timeout", r -> r.getInt(1)));
    }
}

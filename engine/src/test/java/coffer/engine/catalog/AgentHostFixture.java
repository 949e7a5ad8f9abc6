package coffer.engine.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The shared set-up of the agent tests on the real catalog (docs/design/agents.md), SQLite or PostgreSQL as each test
 * says: a catalog on a fresh database with the host {@code edge} ({@link #openWithEdge}), closed with its database after
 * each test, whatever the test did. Not thread-safe: one test at a time.
 */
public abstract class AgentHostFixture {
    @TempDir protected Path dir;
    protected TestDatabase database;
    protected Catalog catalog;

    /** Opens {@link #catalog} on a fresh database of {@code kind} ({@code sqlite} or {@code postgresql}) on {@code clock}, with the host edge. */
    protected void openWithEdge(String kind, Clock clock) throws Exception {
        database = kind.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres();
        catalog = Catalog.open(database.config(), clock);
        catalog.hosts().ensure("edge", "qemu:///system");
    }

    @AfterEach
    protected void closeCatalog() throws Exception {
        try {
            if (catalog != null) {
                catalog.close();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }
}

package coffer.engine.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The fixture of the tests run once on each database by a parameter ({@code sqlite}, {@code postgresql}), where
 * {@link CatalogFixture} is a contract's with a class per database: a catalog on a fresh database of the kind the test
 * names ({@link #open}; the agent tests' with the host {@code edge}, {@link #openWithEdge}), closed with its database
 * after each test, whatever the test did. Not thread-safe: one test at a time.
 */
public abstract class CatalogKindFixture {
    @TempDir protected Path dir;
    protected TestDatabase database;
    protected Catalog catalog;

    /** Opens {@link #catalog} on a fresh database of {@code kind} ({@code sqlite} or {@code postgresql}) on {@code clock}. */
    protected void open(String kind, Clock clock) throws Exception {
        freshDatabase(kind);
        catalog = Catalog.open(database.config(), clock);
    }

    /** Sets {@link #database} to a fresh database of {@code kind} ({@code sqlite} or {@code postgresql}), not migrated. */
    protected void freshDatabase(String kind) throws Exception {
        database = kind.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres();
    }

    /** {@link #open}, with the host {@code edge} (the agent tests' host, docs/design/agents.md). */
    protected void openWithEdge(String kind, Clock clock) throws Exception {
        open(kind, clock);
        catalog.hosts().ensure("edge", "qemu:///system");
    }

    @AfterEach
    protected void closeCatalog() throws Exception {
        CatalogFixture.close(catalog, database);
    }
}

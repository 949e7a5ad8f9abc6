package coffer.engine.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The one fixture of the catalog contracts (the catalog's own, and the scheduler's in coffer.engine.plan): a catalog on
 * a fresh database ({@link #database()}: an SQLite file or a new PostgreSQL database, said by each contract's OnSqlite
 * and OnPostgres class) on the contract's {@link #clock()}, opened before each test and closed with its database after
 * it, whatever the test did (a test that reopens {@link #catalog} leaves the last one open). Not thread-safe: one test
 * at a time.
 */
public abstract class CatalogFixture {
    protected TestDatabase database;
    protected Catalog catalog;

    /** The database this run of the contract is on. */
    protected abstract TestDatabase database() throws Exception;

    /** The catalog's clock (default: the system's). */
    protected Clock clock() {
        return Clock.systemUTC();
    }

    @BeforeEach
    protected void openCatalog() throws Exception {
        database = database();
        catalog = Catalog.open(database.config(), clock());
    }

    @AfterEach
    protected void closeCatalog() throws Exception {
        close(catalog, database);
    }

    /** Closes the catalog (when open), then its database (when made), whatever the first did. */
    static void close(Catalog catalog, TestDatabase database) throws Exception {
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

    /** The host {@code local} with two running instances, {@code u-web} ("web") and {@code u-db} ("db"), seen at {@code at}. */
    protected void webAndDb(Instant at) {
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(
                new Instance("u-web", "local", "web", "running", List.of(), at, false),
                new Instance("u-db", "local", "db", "running", List.of(), at, false)));
    }
}

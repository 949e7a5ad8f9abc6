package coffer.engine.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.List;

/**
 * The one fixture of the catalog contracts: a catalog on a fresh database ({@link #database()}: an SQLite file or a new
 * PostgreSQL database, said by each contract's OnSqlite and OnPostgres class), opened before each test and closed with
 * its database after it, whatever the test did. Not thread-safe: one test at a time.
 */
abstract class CatalogFixture {
    TestDatabase database;
    Catalog catalog;

    /** The database this run of the contract is on. */
    abstract TestDatabase database() throws Exception;

    @BeforeEach
    void openCatalog() throws Exception {
        database = database();
        catalog = Catalog.open(database.config());
    }

    @AfterEach
    void closeCatalog() throws Exception {
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
    void webAndDb(Instant at) {
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(
                new Instance("u-web", "local", "web", "running", List.of(), at, false),
                new Instance("u-db", "local", "db", "running", List.of(), at, false)));
    }
}

package coffer.engine.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On SQLite the database's clock is the host's (one server on one host): {@link DatabaseClock} is the JVM's clock,
 * unmeasured (docs/design/jobs.md, "Whose clock").
 */
class DatabaseClockOnSqliteTest {
    @TempDir
    Path dir;

    @Test
    void theClockIsTheHostsWithNoSkew() throws Exception {
        Instant fixed = Instant.parse("2026-12-07T05:00:00Z");
        try (TestDatabase database = TestDatabase.sqlite(dir); Catalog catalog = Catalog.open(database.config())) {
            long before = catalog.statementsRun();
            DatabaseClock clock = DatabaseClock.follow(catalog, Clock.fixed(fixed, ZoneOffset.UTC));
            assertEquals(fixed, clock.instant());
            assertEquals(Duration.ZERO, clock.skew());
            assertEquals(Duration.ZERO, clock.measure());
            assertEquals(before, catalog.statementsRun(), "nothing asked of SQLite");
        }
    }
}

package coffer.engine.catalog;

import coffer.testing.Environment;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty catalog database for one test: an SQLite file in the test's directory, or a new database on
 * the PostgreSQL named by {@code COFFER_TEST_POSTGRES_URL} (started by scripts/setup-postgres), dropped on
 * close. Without that variable PostgreSQL tests skip locally and fail in CI.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String POSTGRES_URL = "COFFER_TEST_POSTGRES_URL";

    private final CatalogConfig config;
    private final String adminUrl;
    private final String database;

    private TestDatabase(CatalogConfig config, String adminUrl, String database) {
        this.config = config;
        this.adminUrl = adminUrl;
        this.database = database;
    }

    public static TestDatabase sqlite(Path dir) {
        return new TestDatabase(CatalogConfig.sqlite(dir.resolve("catalog-" + UUID.randomUUID() + ".db")), null, null);
    }

    public static TestDatabase postgres() throws SQLException {
        String url = System.getenv(POSTGRES_URL);
        Environment.need(url != null && !url.isBlank(), POSTGRES_URL + " (export it from scripts/setup-postgres)");
        String database = "coffer_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        int query = url.indexOf('?');
        int slash = url.lastIndexOf('/', query < 0 ? url.length() : query);
        String own = url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
        return new TestDatabase(new CatalogConfig(own, null, null, 4), url, database);
    }

    public CatalogConfig config() {
        return config;
    }

    @Override
    public void close() throws SQLException {
        if (adminUrl == null) {
            return;
        }
        // WITH (FORCE) may not terminate an autovacuum worker that happens to be in the database (it runs as the
        // bootstrap superuser: "must be a member of the role whose process is being terminated"); it ends within
        // moments, so the drop is tried again for up to 10 s
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Connection admin = DriverManager.getConnection(adminUrl); Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                return;
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}

package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catalogs left by earlier Coffer builds open in this one (docs/design/catalog.md, "Catalogs of earlier builds"), on
 * SQLite and PostgreSQL: a database is migrated to the version an earlier build had (with that build's texts of
 * migrations since renumbered or edited, {@code db/earlier*} in the test resources), filled with the rows that build's
 * server wrote ({@code catalogs/*.sql}, see the README there), then opened as a server opens it; the rows read through
 * the repositories: the tokens authenticate, the jobs show with their operation and log, points, policies and plans.
 */
class EarlierCatalogsTest extends CatalogKindFixture {
    /** The operator token the build of 2026-11-21 made (a test secret; only its SHA-256 is in the rows). */
    private static final String NOV21_OPERATOR = "cof_SnEBTW1ajpdpBzIc-hwr4RKrA63jJfl3ZTYnZr_RKJA";
    /** The viewer token the build of 2026-12-05 made. */
    private static final String DEC05_VIEWER = "cof_bx750f4WRZedvthVqNgU1oRMPW7w9GGaKAZnrSDohIM";
    private static final String NOV21_ROWS = "catalogs/built-2026-11-21-ef03003.sql";
    private static final String DEC05_ROWS = "catalogs/built-2026-12-05-43a7c4c.sql";

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void catalogOfTheFirstBuildsAtV3(String kind) throws Exception {
        leftByAnEarlierBuild(kind, NOV21_ROWS, "3");

        openAsAServerDoes();

        Token operator = catalog.tokens().authenticate(NOV21_OPERATOR).orElseThrow();
        assertEquals("compat20-op", operator.name());
        assertEquals("operator", operator.role());
        assertTrue(catalog.tokens().hasLiveAdmin(), "the admin token of that build is live");
        Job job = catalog.jobs().find("01a24eb8-1657-7000-8e2c-010d72fdb82d").orElseThrow();
        assertEquals(JobState.succeeded, job.state());
        assertNotNull(job.operation(), "its parameters read as today's operation record");
        assertEquals(4, catalog.jobs().log(job.id()).size(), "its log");
        PointRecord point = catalog.points().find("20261207-041657-746e177e").orElseThrow();
        assertEquals(PointRecord.LOCAL_REGION, point.region(), "rows older than regions are local");
        assertEquals(job.id(), point.jobId());
        assertEquals(1_061_376L, point.disks().getFirst().logicalBytes());
        assertEquals(2, catalog.points().listByInstance(point.instanceId()).size());
        StoredPolicy policy = catalog.policies().resolve("compat20-daily").orElseThrow();
        assertFalse(policy.policy().immutable());
        assertEquals(policy.id(), catalog.plans().resolve("plan-amber-egret-dfbf").orElseThrow().policyId());
    }

    /**
     * Builds of 2026-12-05 numbered the point consistency reason V4 (today's V7, the same statement); a catalog they
     * left refused to open: "Detected applied migration not resolved locally: 4".
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void catalogWithTheConsistencyReasonAsV4(String kind) throws Exception {
        leftByAnEarlierBuild(kind, DEC05_ROWS, "6", "classpath:db/earlier");
        execute("UPDATE points SET consistency_reason = 'no guest agent' WHERE id = '20261207-042256-77e8a3ea'");

        openAsAServerDoes();

        assertEquals("no guest agent", catalog.points().find("20261207-042256-77e8a3ea").orElseThrow().consistencyReason(),
                "the column V4 added is kept");
        assertEquals("compat20-viewer", catalog.tokens().authenticate(DEC05_VIEWER).orElseThrow().name());
        for (Job job : catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL)) {
            assertNotNull(job.operation(), job.id());
        }
        assertEquals(2, catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).size());
        assertTrue(catalog.policies().resolve("compat20-daily").orElseThrow().policy().immutable());
        assertFalse(history().contains("4"), history().toString());
        assertApplied("7", "26");
    }

    /** The first of those builds had V1 to V4 only: V5 and V6 are applied after V4 (now V7), out of order. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void catalogWithV4AndNeitherV5NorV6(String kind) throws Exception {
        leftByAnEarlierBuild(kind, NOV21_ROWS, "4", "classpath:db/earlier");

        openAsAServerDoes();

        assertEquals(PointRecord.LOCAL_REGION, catalog.points().find("20261207-041701-b32e4953").orElseThrow().region(),
                "V5 applied");
        assertApplied("5", "6", "7", "26");
        assertEquals("operator", catalog.tokens().authenticate(NOV21_OPERATOR).orElseThrow().role());
    }

    /**
     * A second server starting beside the first on that catalog (PostgreSQL) finds the row already mended: it still
     * applies V5 and V6 out of order, as the history says, not as its own mend did.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void catalogWhoseV4AnotherServerMendedFirst(String kind) throws Exception {
        leftByAnEarlierBuild(kind, NOV21_ROWS, "4", "classpath:db/earlier");
        try (com.zaxxer.hikari.HikariDataSource other = new com.zaxxer.hikari.HikariDataSource()) {
            other.setJdbcUrl(database.config().jdbcUrl());
            assertTrue(EarlierMigrations.mend(other), "V5 and V6 are still to apply");
            assertFalse(history().contains("4"));
        }

        openAsAServerDoes();

        assertApplied("5", "6", "7", "26");
        assertEquals(PointRecord.LOCAL_REGION, catalog.points().find("20261207-041701-b32e4953").orElseThrow().region());
    }

    /**
     * One build (2026-12-06) released PostgreSQL's V20 with a text changed a minute later; a catalog it migrated refused
     * to open: "Migration checksum mismatch for migration version 20". V23 and V25 replace its function.
     */
    @Test
    void postgresqlCatalogWithTheFirstTextOfV20() throws Exception {
        leftByAnEarlierBuild("postgresql", NOV21_ROWS, "20", "classpath:db/earlier-postgresql");

        openAsAServerDoes();

        assertApplied("20", "23", "25", "26");
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet source = statement.executeQuery("SELECT prosrc FROM pg_proc WHERE proname = 'coffer_claim_jobs'")) {
            assertTrue(source.next());
            assertTrue(source.getString(1).contains("on_agent >= 0"), "today's claim function");
        }
        assertEquals(2, catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).size());
    }

    /**
     * The test's database ({@code sqlite} or {@code postgresql}) as an earlier build left it: migrated to {@code target}
     * with today's scripts and that build's texts ({@code earlier}), then filled with the rows of {@code rows}.
     */
    private void leftByAnEarlierBuild(String kind, String rows, String target, String... earlier) throws Exception {
        freshDatabase(kind);
        migrate(target, earlier);
        insert(rows);
    }

    /** Opens the test's database as a server opens its catalog (migrating it to today's version). */
    private void openAsAServerDoes() {
        catalog = Catalog.open(database.config(), Clock.systemUTC());
    }

    /** The catalog's migration history holds every one of {@code versions}. */
    private void assertApplied(String... versions) throws SQLException {
        List<String> history = history();
        assertTrue(history.containsAll(List.of(versions)), history.toString());
    }

    /** Migrates the test's database to {@code target} as an earlier build did, from today's scripts and {@code earlier}. */
    private void migrate(String target, String... earlier) {
        Dialect dialect = Dialect.of(database.config().jdbcUrl());
        List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
        locations.addAll(List.of(earlier));
        CatalogConfig config = database.config();
        Flyway.configure()
                .dataSource(config.jdbcUrl(), config.user(), config.password() == null ? null : config.password().reveal())
                .locations(locations.toArray(String[]::new))
                .placeholders(Map.of("identity", dialect.identity()))
                .target(target)
                .load()
                .migrate();
    }

    private void insert(String resource) throws IOException, SQLException {
        String rows;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            rows = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : rows.split("\n")) {
            if (!line.isBlank()) {
                execute(line.substring(0, line.lastIndexOf(';')));
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<String> history() throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }

    private Connection connect() throws SQLException {
        CatalogConfig config = database.config();
        return config.user() == null ? DriverManager.getConnection(config.jdbcUrl())
                : DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password().reveal());
    }
}

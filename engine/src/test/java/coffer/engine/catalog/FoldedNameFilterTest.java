package coffer.engine.catalog;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The instance name filter folds the case of every alphabet alike on SQLite and PostgreSQL (docs/api.md, "Lists"):
 * {@code ärz}, {@code ÄRZ} and {@code Ärz} find {@code Ärzte-Web} and {@code ärzte-db}; {@code strasse} finds
 * {@code Straße-1} and {@code STRASSE-2}; {@code ΟΔΟΣ} finds {@code οδος-1} (a final sigma); {@code %} and {@code _}
 * stay literal. The names of a catalog migrated before V29 (rows written without a folded name) are folded by V29.
 * Before, SQLite's {@code LOWER} folded only A to Z: {@code ÄRZ} found nothing there (checked: this test failed so on
 * SQLite), while PostgreSQL's folded the name but not the filter (its {@code ÄRZ} found nothing either).
 */
class FoldedNameFilterTest extends CatalogKindFixture {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void nonAsciiNamesMatchInEitherCase(String kind) throws Exception {
        freshDatabase(kind);
        migrateTo28(kind);
        // rows an earlier build wrote: no folded name until V29
        try (Connection c = connect()) {
            try (PreparedStatement host = c.prepareStatement("INSERT INTO hosts (id, uri, added_at) VALUES (?, ?, ?)")) {
                host.setString(1, "fold");
                host.setString(2, "qemu+ssh://fold.invalid/system");
                host.setLong(3, T0.toEpochMilli());
                host.executeUpdate();
            }
            insert(c, "u-fold-1", "Ärzte-Web");
            insert(c, "u-fold-2", "Straße-1");
        }
        catalog = Catalog.open(database.config(), Clock.systemUTC());
        // written by today's build (the earlier rows are only marked gone: their names are V29's)
        catalog.instances().refresh("fold", List.of(instance("u-fold-3", "ärzte-db"), instance("u-fold-4", "STRASSE-2"),
                instance("u-fold-5", "οδος-1"), instance("u-fold-6", "web_1%")));

        Map<String, List<String>> expected = Map.of(
                "ärz", List.of("Ärzte-Web", "ärzte-db"), "ÄRZ", List.of("Ärzte-Web", "ärzte-db"),
                "Ärz", List.of("Ärzte-Web", "ärzte-db"), "strasse", List.of("STRASSE-2", "Straße-1"),
                "STRASSE", List.of("STRASSE-2", "Straße-1"), "ΟΔΟΣ", List.of("οδος-1"), "ΔΟΣ-", List.of("οδος-1"),
                "_1%", List.of("web_1%"), "e_1", List.of());
        expected.forEach((filter, names) -> assertEquals(names, names(filter), kind + ": " + filter));
    }

    private List<String> names(String filter) {
        return catalog.instances().page(new InstanceQuery(null, null, null, null, null, 100, filter)).items().stream()
                .map(Instance::name).sorted().toList(); // the databases' collations may order them apart
    }

    private static Instance instance(String id, String name) {
        return new Instance(id, "fold", name, "running", List.of(), T0, false);
    }

    private static void insert(Connection c, String id, String name) throws SQLException {
        try (PreparedStatement row = c.prepareStatement(
                "INSERT INTO instances (id, host_id, name, state, refreshed_at, gone) VALUES (?, 'fold', ?, 'running', ?, 0)")) {
            row.setString(1, id);
            row.setString(2, name);
            row.setLong(3, T0.toEpochMilli());
            row.executeUpdate();
        }
    }

    /** The database as a build before V29 left it. */
    private void migrateTo28(String kind) {
        CatalogConfig config = database.config();
        Flyway.configure()
                .dataSource(config.jdbcUrl(), config.user(), config.password() == null ? null : config.password().reveal())
                .locations(kind.equals("postgresql") ? new String[]{"classpath:db/migration", "classpath:db/postgresql"}
                        : new String[]{"classpath:db/migration"})
                .placeholders(Map.of("identity", Dialect.of(config.jdbcUrl()).identity()))
                .target("28")
                .load()
                .migrate();
    }

    private Connection connect() throws SQLException {
        CatalogConfig config = database.config();
        return config.user() == null ? DriverManager.getConnection(config.jdbcUrl())
                : DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password().reveal());
    }
}

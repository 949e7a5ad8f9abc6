package coffer.engine.catalog;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Catalog migration V29 (docs/design/catalog.md), in Java because its values come from {@link FoldedName}, which
 * neither database's SQL computes alike: each instance's folded name in {@code instances.name_folded}, filled for the
 * rows already there (later rows are written with it, {@link SqlInstances#write}); and the verify runs' newest-first
 * pages served by indexes on {@code (finished_at, id)} and {@code (vault, finished_at, id)}. Stateless.
 */
final class FoldedNamesMigration implements JavaMigration {
    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("29");
    }

    @Override
    public String getDescription() {
        return "folded names and verify run pages";
    }

    @Override
    public Integer getChecksum() {
        return 29_0001; // this migration's first text; a changed one would need another
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (Statement s = connection.createStatement()) {
            s.execute("ALTER TABLE instances ADD COLUMN name_folded TEXT");
            s.execute("CREATE INDEX verify_runs_newest ON verify_runs (finished_at, id)");
            s.execute("CREATE INDEX verify_runs_by_vault_newest ON verify_runs (vault, finished_at, id)");
        }
        List<String[]> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT id, name FROM instances")) {
            while (r.next()) {
                rows.add(new String[]{r.getString(1), r.getString(2)});
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE instances SET name_folded = ? WHERE id = ?")) {
            for (String[] row : rows) {
                update.setString(1, FoldedName.of(row[1]));
                update.setString(2, row[0]);
                update.addBatch();
            }
            update.executeBatch();
        }
    }
}

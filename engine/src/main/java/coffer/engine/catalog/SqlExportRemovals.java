package coffer.engine.catalog;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@link ExportRemovals} on {@code export_removals} (V17). Thread-safe. */
final class SqlExportRemovals implements ExportRemovals {
    private final Sql sql;

    SqlExportRemovals(Sql sql) {
        this.sql = sql;
    }

    @Override
    public boolean removed(String id, Instant at, String note) {
        return sql.update("INSERT INTO export_removals (id, removed_at, note) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
                id, at, note) == 1;
    }

    @Override
    public Optional<Instant> find(String id) {
        return sql.one("SELECT removed_at FROM export_removals WHERE id = ?", row -> Sql.instant(row, "removed_at"), id);
    }

    @Override
    public Map<String, Instant> among(Collection<String> ids) {
        Map<String, Instant> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        sql.query("SELECT id, removed_at FROM export_removals WHERE id IN (" + marks + ")",
                row -> found.put(row.getString("id"), Sql.instant(row, "removed_at")), ids.toArray());
        return found;
    }
}

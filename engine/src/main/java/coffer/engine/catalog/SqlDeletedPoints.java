package coffer.engine.catalog;

import java.time.Instant;
import java.util.Optional;

/** {@link DeletedPoints} on {@code deleted_points} (V28). Thread-safe. */
final class SqlDeletedPoints implements DeletedPoints {
    private final Sql sql;

    SqlDeletedPoints(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void record(String id, String vault, Instant at, String how) {
        sql.update("INSERT INTO deleted_points (id, vault, deleted_at, how) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
                + " SET vault = excluded.vault, deleted_at = excluded.deleted_at, how = excluded.how, readopted_at = NULL,"
                + " readopted_note = NULL", id, vault, at, how);
    }

    @Override
    public Optional<Deleted> find(String id) {
        return sql.one("SELECT id, vault, deleted_at, how, readopted_at, readopted_note FROM deleted_points WHERE id = ?",
                row -> new Deleted(row.getString("id"), row.getString("vault"), Sql.instant(row, "deleted_at"),
                        row.getString("how"), Sql.instant(row, "readopted_at"), row.getString("readopted_note")), id);
    }

    @Override
    public boolean readopt(String id, Instant at, String note) {
        return sql.update("UPDATE deleted_points SET readopted_at = ?, readopted_note = ? WHERE id = ?", at, note, id) == 1;
    }
}

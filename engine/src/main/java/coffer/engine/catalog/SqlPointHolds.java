package coffer.engine.catalog;

import java.time.Instant;
import java.util.Optional;

/** {@link PointHolds} on {@code point_holds} (V28). Thread-safe. */
final class SqlPointHolds implements PointHolds {
    private final Sql sql;

    SqlPointHolds(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void record(String id, String vault, Instant until) {
        sql.update("INSERT INTO point_holds (id, vault, held_until) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                + " vault = excluded.vault, held_until = CASE WHEN excluded.held_until > point_holds.held_until"
                + " THEN excluded.held_until ELSE point_holds.held_until END", id, vault, until);
    }

    @Override
    public Optional<Instant> find(String id) {
        return sql.one("SELECT held_until FROM point_holds WHERE id = ?", row -> Sql.instant(row, "held_until"), id);
    }
}

package coffer.engine.catalog;

import com.fasterxml.jackson.core.type.TypeReference;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@link VerifyRuns} on {@code verify_runs} (V6). Thread-safe. */
final class SqlVerifyRuns implements VerifyRuns {
    private static final String COLUMNS = "SELECT id, vault, kind, slice, slices, started_at, finished_at, points,"
            + " chunks_checked, bytes_checked, damaged_ranges, points_affected, quarantined, quarantine_note, job_id"
            + " FROM verify_runs";

    private final Sql sql;

    SqlVerifyRuns(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void record(VerifyRun r) {
        sql.update("INSERT INTO verify_runs (id, vault, kind, slice, slices, started_at, finished_at, points, chunks_checked,"
                        + " bytes_checked, damaged_ranges, points_affected, quarantined, quarantine_note, job_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), r.vault(), r.kind(), r.slice(),
                r.slices(), r.startedAt(), r.finishedAt(), r.points(), r.chunksChecked(), r.bytesChecked(),
                r.damagedRanges(), Sql.jsonText(r.pointsAffected()), r.quarantined(), r.quarantineNote(), r.jobId());
    }

    @Override
    public Optional<VerifyRun> latest(String vault, VerifyRun.Kind kind) {
        return sql.one(COLUMNS + " WHERE vault = ? AND kind = ? ORDER BY finished_at DESC, id DESC LIMIT 1",
                SqlVerifyRuns::row, vault, kind);
    }

    @Override
    public List<VerifyRun> recent(String vault, int limit) {
        return sql.query(COLUMNS + " WHERE vault = ? ORDER BY finished_at DESC, id DESC LIMIT ?", SqlVerifyRuns::row,
                vault, limit);
    }

    @Override
    public Page<VerifyRun> page(String vault, PageCursor after, int limit) {
        Where where = new Where().equal("vault", vault).afterNewest(after, "finished_at");
        return Page.of(sql.query(COLUMNS + where.newestFirst(limit, "finished_at"), SqlVerifyRuns::row, where.args()),
                limit, r -> new PageCursor(r.finishedAt(), r.id()));
    }

    private static VerifyRun row(ResultSet row) throws SQLException {
        List<String> affected;
        try {
            affected = Sql.JSON.readValue(row.getString("points_affected"), new TypeReference<List<String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("points_affected of verify run " + row.getString("id") + " is not a JSON list", e);
        }
        return new VerifyRun(row.getString("id"), row.getString("vault"), VerifyRun.Kind.valueOf(row.getString("kind")),
                row.getInt("slice"), row.getInt("slices"), Sql.instant(row, "started_at"), Sql.instant(row, "finished_at"),
                row.getInt("points"), row.getLong("chunks_checked"), row.getLong("bytes_checked"),
                row.getInt("damaged_ranges"), affected, row.getInt("quarantined"), row.getString("quarantine_note"),
                row.getString("job_id"));
    }
}

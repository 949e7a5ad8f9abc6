package coffer.engine.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Replications} on {@code point_replications} (V5). Each transition is one conditional statement. Thread-safe. */
final class SqlReplications implements Replications {
    static final String COLUMNS = "SELECT point_id, region, vault, state, replica_id, attempts, next_attempt_at,"
            + " error_code, error_message, job_id, updated_at FROM point_replications";
    private static final String KEY = " WHERE point_id = ? AND region = ? AND vault = ?";

    private final Sql sql;
    private final Clock clock;

    SqlReplications(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public boolean queue(String pointId, String region, String vault) {
        return sql.transaction(s -> {
            Instant now = clock.instant();
            int changed = s.update("UPDATE point_replications SET state = ?, next_attempt_at = NULL, updated_at = ?" + KEY
                    + " AND state = ?", ReplicationRecord.State.QUEUED, now, pointId, region, vault,
                    ReplicationRecord.State.FAILED);
            if (changed > 0) {
                return true;
            }
            if (s.count("SELECT COUNT(*) FROM point_replications" + KEY, pointId, region, vault) > 0) {
                return false;
            }
            s.update("INSERT INTO point_replications (point_id, region, vault, state, attempts, updated_at)"
                    + " VALUES (?, ?, ?, ?, 0, ?)", pointId, region, vault, ReplicationRecord.State.QUEUED, now);
            return true;
        });
    }

    @Override
    public boolean start(String pointId, String region, String vault, String jobId) {
        return sql.update("UPDATE point_replications SET state = ?, job_id = ?, updated_at = ?" + KEY
                        + " AND state IN (?, ?)", ReplicationRecord.State.RUNNING, jobId, clock.instant(), pointId, region,
                vault, ReplicationRecord.State.QUEUED, ReplicationRecord.State.FAILED) > 0;
    }

    @Override
    public void done(String pointId, String region, String vault, String replicaId) {
        sql.update("UPDATE point_replications SET state = ?, replica_id = ?, next_attempt_at = NULL, error_code = NULL,"
                        + " error_message = NULL, updated_at = ?" + KEY, ReplicationRecord.State.DONE, replicaId,
                clock.instant(), pointId, region, vault);
    }

    @Override
    public void failed(String pointId, String region, String vault, String code, String message, Instant nextAttemptAt) {
        sql.update("UPDATE point_replications SET state = ?, attempts = attempts + 1, error_code = ?, error_message = ?,"
                        + " next_attempt_at = ?, updated_at = ?" + KEY, ReplicationRecord.State.FAILED, code, message,
                nextAttemptAt, clock.instant(), pointId, region, vault);
    }

    @Override
    public Optional<ReplicationRecord> find(String pointId, String region, String vault) {
        return sql.one(COLUMNS + KEY, SqlReplications::row, pointId, region, vault);
    }

    @Override
    public List<ReplicationRecord> ofPoint(String pointId) {
        return sql.query(COLUMNS + " WHERE point_id = ? ORDER BY region, vault", SqlReplications::row, pointId);
    }

    @Override
    public List<ReplicationRecord> ofPoints(java.util.Collection<String> pointIds) {
        if (pointIds.isEmpty()) {
            return List.of();
        }
        return sql.query(COLUMNS + " WHERE point_id IN (" + String.join(", ", java.util.Collections.nCopies(pointIds.size(), "?"))
                + ") ORDER BY point_id, region, vault", SqlReplications::row, pointIds.toArray());
    }

    @Override
    public List<ReplicationRecord> due(Instant now) {
        return sql.query(COLUMNS + " WHERE state = ? AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
                + " ORDER BY next_attempt_at, point_id", SqlReplications::row, ReplicationRecord.State.FAILED, now);
    }

    @Override
    public List<Lag> lags() {
        return sql.query("SELECT p.vault AS source, r.region, r.vault, MIN(CASE WHEN r.state <> ? THEN p.created_at END)"
                        + " AS oldest FROM point_replications r JOIN points p ON p.id = r.point_id"
                        + " GROUP BY p.vault, r.region, r.vault ORDER BY p.vault, r.region, r.vault",
                row -> new Lag(row.getString("source"), row.getString("region"), row.getString("vault"),
                        Sql.instant(row, "oldest")), ReplicationRecord.State.DONE);
    }

    @Override
    public List<ReplicationRecord> running() {
        return sql.query(COLUMNS + " WHERE state = ? ORDER BY updated_at, point_id", SqlReplications::row,
                ReplicationRecord.State.RUNNING);
    }

    @Override
    public boolean abandoned(String pointId, String region, String vault, String jobId, String code, String message,
                             Instant nextAttemptAt) {
        return sql.update("UPDATE point_replications SET state = ?, attempts = attempts + 1, error_code = ?,"
                        + " error_message = ?, next_attempt_at = ?, updated_at = ?" + KEY + " AND state = ? AND job_id = ?",
                ReplicationRecord.State.FAILED, code, message, nextAttemptAt, clock.instant(), pointId, region, vault,
                ReplicationRecord.State.RUNNING, jobId) > 0;
    }

    static ReplicationRecord row(ResultSet row) throws SQLException {
        return new ReplicationRecord(row.getString("point_id"), row.getString("region"), row.getString("vault"),
                ReplicationRecord.State.valueOf(row.getString("state")), row.getString("replica_id"),
                row.getInt("attempts"), Sql.instant(row, "next_attempt_at"), row.getString("error_code"),
                row.getString("error_message"), row.getString("job_id"), Sql.instant(row, "updated_at"));
    }
}

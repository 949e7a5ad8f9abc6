package coffer.engine.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link ChangeAlerts} on {@code change_samples} and {@code change_alerts} (V6). Thread-safe. */
final class SqlChangeAlerts implements ChangeAlerts {
    private static final String SAMPLES = "SELECT point_id, instance_id, taken_at, changed_bytes, new_bytes,"
            + " new_stored_bytes FROM change_samples";
    static final String ALERTS = "SELECT id, instance_id, point_id, point_created_at, kind, measured, baseline,"
            + " raised_at, job_id, acknowledged_at, acknowledged_by, note FROM change_alerts";

    /** Instances one batched {@link #samplesBefore} statement reads: well inside the limits on parameters. */
    private static final int INSTANCES_PER_QUERY = 500;

    private final Sql sql;

    SqlChangeAlerts(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void recordSample(ChangeSample s) {
        sql.update("INSERT INTO change_samples (point_id, instance_id, taken_at, changed_bytes, new_bytes, new_stored_bytes)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (point_id) DO UPDATE SET instance_id = excluded.instance_id,"
                        + " taken_at = excluded.taken_at, changed_bytes = excluded.changed_bytes,"
                        + " new_bytes = excluded.new_bytes, new_stored_bytes = excluded.new_stored_bytes",
                s.pointId(), s.instanceId(), s.takenAt(), s.changedBytes(), s.newBytes(), s.newStoredBytes());
    }

    @Override
    public List<ChangeSample> samplesBefore(String instanceId, Instant before, int limit) {
        return sql.query(SAMPLES + " WHERE instance_id = ? AND taken_at < ? ORDER BY taken_at DESC, point_id DESC LIMIT ?",
                SqlChangeAlerts::sample, instanceId, before, limit);
    }

    @Override
    public java.util.Map<String, List<ChangeSample>> samplesBefore(java.util.Collection<String> instanceIds,
                                                                   Instant before, int limit) {
        return sql.read(s -> {
            java.util.Map<String, List<ChangeSample>> samples = new java.util.HashMap<>();
            for (Where where : Where.inChunks("instance_id", instanceIds, INSTANCES_PER_QUERY)) {
                where.and(true, "taken_at < ?", before);
                // ROW_NUMBER() OVER (PARTITION BY …) numbers each instance's samples newest first, on SQLite and PostgreSQL alike
                s.query("SELECT * FROM (SELECT point_id, instance_id, taken_at, changed_bytes, new_bytes, new_stored_bytes,"
                                + " ROW_NUMBER() OVER (PARTITION BY instance_id ORDER BY taken_at DESC, point_id DESC) AS nth"
                                + " FROM change_samples" + where.clause() + ") r WHERE nth <= " + limit
                                + " ORDER BY instance_id, nth", SqlChangeAlerts::sample, where.args())
                        .forEach(sample -> samples.computeIfAbsent(sample.instanceId(), id -> new java.util.ArrayList<>())
                                .add(sample));
            }
            return samples;
        });
    }

    private static ChangeSample sample(ResultSet row) throws SQLException {
        return new ChangeSample(row.getString("point_id"), row.getString("instance_id"), Sql.instant(row, "taken_at"),
                row.getLong("changed_bytes"), row.getLong("new_bytes"), row.getLong("new_stored_bytes"));
    }

    @Override
    public void raise(ChangeAlert a) {
        sql.update("INSERT INTO change_alerts (id, instance_id, point_id, point_created_at, kind, measured, baseline,"
                        + " raised_at, job_id, acknowledged_at, acknowledged_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                a.id(), a.instanceId(), a.pointId(), a.pointCreatedAt(), a.kind(), a.measured(), a.baseline(),
                a.raisedAt(), a.jobId(), a.acknowledgedAt(), a.acknowledgedBy(), a.note());
    }

    @Override
    public Optional<ChangeAlert> find(String alertId) {
        return sql.one(ALERTS + " WHERE id = ?", SqlChangeAlerts::alert, alertId);
    }

    @Override
    public List<ChangeAlert> unacknowledged(String instanceId) {
        return sql.query(ALERTS + " WHERE instance_id = ? AND acknowledged_at IS NULL ORDER BY raised_at, kind, id",
                SqlChangeAlerts::alert, instanceId);
    }

    @Override
    public List<ChangeAlert> unacknowledged() {
        return sql.query(ALERTS + " WHERE acknowledged_at IS NULL ORDER BY raised_at, kind, id", SqlChangeAlerts::alert);
    }

    @Override
    public List<ChangeAlert> recent(int limit) {
        return sql.query(ALERTS + " ORDER BY raised_at DESC, kind, id LIMIT ?", SqlChangeAlerts::alert, limit);
    }

    @Override
    public Page<ChangeAlert> page(String instanceId, boolean standingOnly, PageCursor after, int limit) {
        Where where = new Where().and(instanceId, "instance_id = ?", instanceId)
                .and(standingOnly ? true : null, "acknowledged_at IS NULL").afterNewest(after, "raised_at");
        return Page.of(sql.query(ALERTS + where.newestFirst(limit, "raised_at"), SqlChangeAlerts::alert, where.args()),
                limit, a -> new PageCursor(a.raisedAt(), a.id()));
    }

    @Override
    public List<ChangeAlert> ofInstance(String instanceId, int limit) {
        return sql.query(ALERTS + " WHERE instance_id = ? ORDER BY raised_at DESC, kind, id LIMIT ?", SqlChangeAlerts::alert,
                instanceId, limit);
    }

    @Override
    public boolean acknowledge(String alertId, String by, Instant at, String note) {
        return sql.update("UPDATE change_alerts SET acknowledged_at = ?, acknowledged_by = ?, note = ?"
                + " WHERE id = ? AND acknowledged_at IS NULL", at, by, note, alertId) > 0;
    }

    static ChangeAlert alert(ResultSet row) throws SQLException {
        return new ChangeAlert(row.getString("id"), row.getString("instance_id"), row.getString("point_id"),
                Sql.instant(row, "point_created_at"), ChangeAlert.Kind.valueOf(row.getString("kind")),
                row.getDouble("measured"), row.getDouble("baseline"), Sql.instant(row, "raised_at"),
                row.getString("job_id"), Sql.instant(row, "acknowledged_at"), row.getString("acknowledged_by"),
                row.getString("note"));
    }
}

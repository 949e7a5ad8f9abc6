package coffer.engine.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link DrillRuns} on {@code drill_runs} (V6). Thread-safe. */
final class SqlDrillRuns implements DrillRuns {
    static final String COLUMNS = "SELECT id, instance_id, point_id, vault, started_at, finished_at, passed,"
            + " failed_phase, reason, restore_millis, boot_millis, check_millis, check_exit, check_output, job_id"
            + " FROM drill_runs";
    /** Instances one {@link #ofInstances} or {@link #lastPassedOfInstances} statement reads: well inside the limits on parameters. */
    private static final int INSTANCES_PER_QUERY = 500;
    /** ROW_NUMBER() OVER (PARTITION BY …) numbers each group's rows newest first in one pass, on SQLite and PostgreSQL alike. */
    private static final String NEWEST = " ROW_NUMBER() OVER (PARTITION BY %s ORDER BY d.finished_at DESC, d.id DESC) AS nth";

    private final Sql sql;

    SqlDrillRuns(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void record(DrillRun r) {
        sql.update("INSERT INTO drill_runs (id, instance_id, point_id, vault, started_at, finished_at, passed, failed_phase,"
                        + " reason, restore_millis, boot_millis, check_millis, check_exit, check_output, job_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), r.instanceId(), r.pointId(),
                r.vault(), r.startedAt(), r.finishedAt(), r.passed(), r.failedPhase(), r.reason(), millis(r.restore()),
                millis(r.bootToAgent()), millis(r.check()), r.checkExit(), r.checkOutput(), r.jobId());
    }

    @Override
    public List<DrillRun> ofInstance(String instanceId, int limit) {
        return sql.query(COLUMNS + " WHERE instance_id = ? ORDER BY finished_at DESC, id DESC LIMIT ?", SqlDrillRuns::row,
                instanceId, limit);
    }

    @Override
    public Optional<DrillRun> lastPassed(String pointId) {
        return sql.one(COLUMNS + " WHERE point_id = ? AND passed = 1 ORDER BY finished_at DESC, id DESC LIMIT 1",
                SqlDrillRuns::row, pointId);
    }

    @Override
    public Map<String, List<DrillRun>> ofInstances(java.util.Collection<String> instanceIds, int limit) {
        return sql.read(s -> {
            Map<String, List<DrillRun>> runs = new java.util.HashMap<>();
            for (Where where : Where.inChunks("d.instance_id", instanceIds, INSTANCES_PER_QUERY)) {
                s.query("SELECT * FROM (SELECT d.*," + NEWEST.formatted("d.instance_id") + " FROM drill_runs d"
                                + where.clause() + ") r WHERE nth <= " + limit + " ORDER BY instance_id, nth",
                        SqlDrillRuns::row, where.args())
                        .forEach(run -> runs.computeIfAbsent(run.instanceId(), id -> new java.util.ArrayList<>()).add(run));
            }
            return runs;
        });
    }

    @Override
    public Map<String, DrillRun> lastPassedOfInstances(java.util.Collection<String> instanceIds) {
        return sql.read(s -> {
            Map<String, DrillRun> proven = new java.util.HashMap<>();
            for (Where where : Where.inChunks("p.instance_id", instanceIds, INSTANCES_PER_QUERY)) {
                s.query("SELECT * FROM (SELECT d.*, p.instance_id AS owner," + NEWEST.formatted("p.instance_id")
                                + " FROM drill_runs d JOIN points p ON p.id = d.point_id" + where.clause()
                                + " AND d.passed = 1) r WHERE nth = 1", row -> Map.entry(row.getString("owner"), row(row)),
                        where.args()).forEach(e -> proven.put(e.getKey(), e.getValue()));
            }
            return proven;
        });
    }

    @Override
    public List<Drilled> latestOfInstancesWithPoints() {
        String newest = NEWEST;
        Map<String, DrillRun> proven = sql.query("SELECT * FROM (SELECT d.*, p.instance_id AS owner,"
                        + newest.formatted("p.instance_id")
                        + " FROM drill_runs d JOIN points p ON p.id = d.point_id WHERE d.passed = 1) r WHERE nth = 1",
                row -> Map.entry(row.getString("owner"), row(row))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return sql.query("SELECT r.*, i.name AS instance_name FROM (SELECT d.*," + newest.formatted("d.instance_id")
                        + " FROM drill_runs d WHERE EXISTS (SELECT 1 FROM points p WHERE p.instance_id = d.instance_id)) r"
                        + " LEFT JOIN instances i ON i.id = r.instance_id WHERE nth = 1 ORDER BY r.instance_id",
                row -> {
                    DrillRun last = row(row);
                    return new Drilled(last.instanceId(), row.getString("instance_name"), last,
                            Optional.ofNullable(proven.get(last.instanceId())));
                });
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    private static Duration duration(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? null : Duration.ofMillis(millis);
    }

    static DrillRun row(ResultSet row) throws SQLException {
        String phase = row.getString("failed_phase");
        int exit = row.getInt("check_exit");
        Integer checkExit = row.wasNull() ? null : exit;
        return new DrillRun(row.getString("id"), row.getString("instance_id"), row.getString("point_id"),
                row.getString("vault"), Sql.instant(row, "started_at"), Sql.instant(row, "finished_at"),
                Sql.flag(row, "passed"), phase == null ? null : DrillRun.Phase.valueOf(phase), row.getString("reason"),
                duration(row, "restore_millis"), duration(row, "boot_millis"), duration(row, "check_millis"), checkExit,
                row.getString("check_output"), row.getString("job_id"));
    }
}

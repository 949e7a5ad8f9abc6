package coffer.engine.catalog;

import coffer.engine.policy.RetentionFacts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link Points} in SQL: one row per point, its disks in {@code point_disks}. Thread-safe. */
final class SqlPoints implements Points {
    private static final String COLUMNS = "SELECT id, vault, instance_id, instance_name, created_at, status,"
            + " consistency, logical_bytes, stored_bytes, expires_at, job_id, consistency_reason, region FROM points";
    /** The disks of the listed points in one query (not one per point: a list of 10,000 points is one read). */
    private static final String DISKS = "SELECT d.point_id, d.target, d.logical_bytes, d.stored_bytes FROM point_disks d";
    private static final String DISK_ORDER = " ORDER BY d.point_id, d.ordinal";

    /** Points one {@link #find(java.util.Collection)} statement reads: well inside SQLite's and PostgreSQL's limits on parameters. */
    private static final int IDS_PER_QUERY = 500;
    private static final long DAY_MILLIS = 86_400_000L;

    private final Sql sql;

    SqlPoints(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void upsert(PointRecord point) {
        sql.transaction(s -> {
            insert(s, point);
            return null;
        });
    }

    @Override
    public void upsertOfPlan(PointRecord point, String planId, String policyId, boolean immutable) {
        sql.transaction(s -> {
            insert(s, point);
            s.update(SqlPointRetentions.MARK_POLICY, RetentionFacts.Origin.POLICY, planId, policyId, immutable, point.id());
            return null;
        });
    }

    @Override
    public boolean insertIfAbsent(PointRecord point, String planId, String policyId, boolean immutable) {
        return sql.transaction(s -> {
            if (insertRow(s, point, " ON CONFLICT (id) DO NOTHING") == 0) {
                return false; // a row of that id exists (written by another caller, perhaps a moment ago): left alone
            }
            insertDisks(s, point);
            if (planId != null) {
                s.update(SqlPointRetentions.MARK_POLICY, RetentionFacts.Origin.POLICY, planId, policyId, immutable,
                        point.id());
            }
            return true;
        });
    }

    private static void insert(Sql.Session s, PointRecord point) throws java.sql.SQLException {
        s.update("DELETE FROM points WHERE id = ?", point.id());
        insertRow(s, point, "");
        insertDisks(s, point);
    }

    /** Inserts the point's row ({@code onConflict}: the clause after its values); returns the rows inserted. */
    private static int insertRow(Sql.Session s, PointRecord point, String onConflict) throws java.sql.SQLException {
        return s.update("INSERT INTO points (id, vault, instance_id, instance_name, created_at, status, consistency,"
                        + " logical_bytes, stored_bytes, expires_at, job_id, consistency_reason, region)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + onConflict,
                point.id(), point.vault(), point.instanceId(), point.instanceName(), point.createdAt(),
                point.status(), point.consistency(), point.logicalBytes(), point.storedBytes(), point.expiresAt(),
                point.jobId(), point.consistencyReason(), point.region());
    }

    private static void insertDisks(Sql.Session s, PointRecord point) throws java.sql.SQLException {
        int ordinal = 0;
        for (PointRecord.PointDisk disk : point.disks()) {
            s.update("INSERT INTO point_disks (point_id, ordinal, target, logical_bytes, stored_bytes)"
                    + " VALUES (?, ?, ?, ?, ?)", point.id(), ordinal++, disk.target(), disk.logicalBytes(),
                    disk.storedBytes());
        }
    }

    @Override
    public List<PointRecord> listByInstance(String instanceId) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE instance_id = ? ORDER BY created_at DESC, id DESC",
                SqlPoints::row, instanceId), " JOIN points p ON p.id = d.point_id WHERE p.instance_id = ?", instanceId));
    }

    @Override
    public List<PointRecord> listAll() {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " ORDER BY created_at DESC, id DESC", SqlPoints::row), ""));
    }

    @Override
    public PointTotals totals() {
        String sums = "COUNT(*) AS n, COALESCE(SUM(p.logical_bytes), 0) AS logical, COALESCE(SUM(p.stored_bytes), 0) AS stored";
        Sql.Row<PointTotals.Sum> sum = r -> new PointTotals.Sum(r.getString(1), r.getString(2), r.getLong("n"),
                r.getLong("logical"), r.getLong("stored"));
        Comparator<PointTotals.Sum> order = Comparator.comparing(PointTotals.Sum::key)
                .thenComparing(PointTotals.Sum::detail, Comparator.nullsFirst(Comparator.naturalOrder()));
        return sql.read(s -> new PointTotals(
                sorted(s.query("SELECT p.vault, NULL, " + sums + " FROM points p GROUP BY p.vault", sum), order),
                sorted(s.query("SELECT p.instance_id, MAX(i.name), " + sums + " FROM points p LEFT JOIN instances i"
                        + " ON i.id = p.instance_id GROUP BY p.instance_id", sum), order),
                sorted(s.query("SELECT p.instance_id, d.target, COUNT(*) AS n, COALESCE(SUM(d.logical_bytes), 0) AS logical,"
                        + " COALESCE(SUM(d.stored_bytes), 0) AS stored FROM point_disks d JOIN points p ON p.id = d.point_id"
                        + " GROUP BY p.instance_id, d.target", sum), order),
                s.query("SELECT p.created_at / " + DAY_MILLIS + " AS day, " + sums + " FROM points p GROUP BY p.created_at / "
                        + DAY_MILLIS + " ORDER BY day", r -> new PointTotals.Day(LocalDate.ofEpochDay(r.getLong("day")),
                        r.getLong("n"), r.getLong("logical"), r.getLong("stored")))));
    }

    /** In Java's order: the databases' collations differ (PostgreSQL's follows the locale). */
    private static <T> List<T> sorted(List<T> rows, Comparator<T> order) {
        List<T> copy = new ArrayList<>(rows);
        copy.sort(order);
        return copy;
    }

    @Override
    public Page<PointRecord> page(PointQuery query) {
        Where where = new Where().in("instance_id", query.instanceIds()).equal("region", query.region())
                .equal("consistency", query.consistency()).created(query.from(), query.to()).after(query.after());
        if (query.expired() != null) {
            where.and(query.expired(), query.expired() ? "expires_at < ?" : "(expires_at IS NULL OR expires_at >= ?)",
                    query.now());
        }
        return sql.read(s -> {
            if (query.offset() != null) { // numbered pages (the console): the page at an offset, and how many matched
                int total = (int) s.count("SELECT COUNT(*) FROM points" + where.clause(), where.args());
                List<PointRecord> rows = s.query(COLUMNS + where.clause() + " ORDER BY created_at DESC, id DESC LIMIT "
                        + query.limit() + " OFFSET " + query.offset(), SqlPoints::row, where.args());
                return new Page<>(ofPage(s, rows), null, total);
            }
            return Page.of(ofPage(s, s.query(COLUMNS + where.newestFirst(query.limit()), SqlPoints::row, where.args())),
                    query.limit(), p -> new PageCursor(p.createdAt(), p.id()));
        });
    }

    /** The page's rows with their disks, read in one statement. */
    private static List<PointRecord> ofPage(Sql.Session s, List<PointRecord> rows) throws SQLException {
        Where ids = new Where().in("d.point_id", rows.stream().map(PointRecord::id).toList());
        return withDisks(s, rows, ids.clause(), ids.args());
    }

    @Override
    public List<PointRecord> newestOfInstances(java.util.Collection<String> instanceIds) {
        if (instanceIds.isEmpty()) {
            return List.of();
        }
        Where where = new Where().in("i.id", instanceIds);
        // driven by the instances: one seek of points_by_instance (instance_id, created_at) each, not a pass over
        // every point of the instances (a window over them read all 10,000 points of scripts/bench-console's catalog)
        String newest = COLUMNS + " WHERE id IN (SELECT (SELECT q.id FROM points q WHERE q.instance_id = i.id"
                + " ORDER BY q.created_at DESC, q.id DESC LIMIT 1) FROM instances i" + where.clause() + ") ORDER BY instance_id";
        return sql.read(s -> ofPage(s, s.query(newest, SqlPoints::row, where.args())));
    }

    @Override
    public List<String> instanceIdsNewestFirst() {
        return sql.query("SELECT instance_id FROM (SELECT instance_id, created_at, id, ROW_NUMBER() OVER (PARTITION BY"
                + " instance_id ORDER BY created_at DESC, id DESC) AS nth FROM points) r WHERE nth = 1"
                + " ORDER BY created_at DESC, id DESC", row -> row.getString("instance_id"));
    }

    @Override
    public List<PointRecord> listByRegion(String region) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE region = ? ORDER BY created_at DESC, id DESC",
                SqlPoints::row, region), " JOIN points p ON p.id = d.point_id WHERE p.region = ?", region));
    }

    @Override
    public Optional<PointRecord> find(String id) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE id = ?", SqlPoints::row, id), " WHERE d.point_id = ?", id)
                .stream().findFirst());
    }

    @Override
    public List<PointRecord> find(java.util.Collection<String> ids) {
        return sql.read(s -> {
            List<PointRecord> rows = new ArrayList<>();
            for (Where where : Where.inChunks("id", ids, IDS_PER_QUERY)) {
                rows.addAll(ofPage(s, s.query(COLUMNS + where.clause(), SqlPoints::row, where.args())));
            }
            return rows;
        });
    }

    @Override
    public boolean delete(String id) {
        return sql.transaction(s -> {
            s.update("DELETE FROM point_replications WHERE point_id = ?", id);
            s.update("DELETE FROM point_replications WHERE replica_id = ?", id); // a replica gone: its source is not replicated there
            return s.update("DELETE FROM points WHERE id = ?", id) > 0;
        });
    }

    @Override
    public int deleteVault(String vault) {
        return sql.update("DELETE FROM points WHERE vault = ?", vault);
    }

    /** The rows with their disks, read in one query: {@code where} selects the disks of (at least) these rows. */
    private static List<PointRecord> withDisks(Sql.Session s, List<PointRecord> rows, String where, Object... args)
            throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, List<PointRecord.PointDisk>> disks = new HashMap<>();
        for (DiskRow d : s.query(DISKS + where + DISK_ORDER, r -> new DiskRow(r.getString("point_id"),
                new PointRecord.PointDisk(r.getString("target"), r.getLong("logical_bytes"), r.getLong("stored_bytes"))), args)) {
            disks.computeIfAbsent(d.point(), k -> new ArrayList<>()).add(d.disk());
        }
        List<PointRecord> result = new ArrayList<>(rows.size());
        for (PointRecord p : rows) {
            result.add(p.withDisks(List.copyOf(disks.getOrDefault(p.id(), List.of()))));
        }
        return result;
    }

    private record DiskRow(String point, PointRecord.PointDisk disk) {
    }

    private static PointRecord row(ResultSet row) throws SQLException {
        return new PointRecord(row.getString("id"), row.getString("vault"), row.getString("instance_id"),
                row.getString("instance_name"), Sql.instant(row, "created_at"), row.getString("status"),
                row.getString("consistency"), row.getLong("logical_bytes"), row.getLong("stored_bytes"),
                Sql.instant(row, "expires_at"), row.getString("job_id"), List.of(), row.getString("consistency_reason"),
                row.getString("region"));
    }
}

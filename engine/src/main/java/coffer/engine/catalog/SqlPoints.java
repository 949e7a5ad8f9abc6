package coffer.engine.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link Points} in SQL: one row per point, its disks in {@code point_disks}. Thread-safe. */
final class SqlPoints implements Points {
    private static final String COLUMNS = "SELECT id, vault, instance_id, instance_name, created_at, status,"
            + " consistency, logical_bytes, stored_bytes, expires_at, job_id, consistency_reason, region FROM points";
    private static final String DISKS = "SELECT target, logical_bytes, stored_bytes FROM point_disks"
            + " WHERE point_id = ? ORDER BY ordinal";

    private final Sql sql;

    SqlPoints(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void upsert(PointRecord point) {
        sql.transaction(s -> {
            s.update("DELETE FROM points WHERE id = ?", point.id());
            s.update("INSERT INTO points (id, vault, instance_id, instance_name, created_at, status, consistency,"
                            + " logical_bytes, stored_bytes, expires_at, job_id, consistency_reason, region)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    point.id(), point.vault(), point.instanceId(), point.instanceName(), point.createdAt(),
                    point.status(), point.consistency(), point.logicalBytes(), point.storedBytes(), point.expiresAt(),
                    point.jobId(), point.consistencyReason(), point.region());
            int ordinal = 0;
            for (PointRecord.PointDisk disk : point.disks()) {
                s.update("INSERT INTO point_disks (point_id, ordinal, target, logical_bytes, stored_bytes)"
                        + " VALUES (?, ?, ?, ?, ?)", point.id(), ordinal++, disk.target(), disk.logicalBytes(),
                        disk.storedBytes());
            }
            return null;
        });
    }

    @Override
    public List<PointRecord> listByInstance(String instanceId) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE instance_id = ? ORDER BY created_at DESC, id DESC",
                SqlPoints::row, instanceId)));
    }

    @Override
    public List<PointRecord> listAll() {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " ORDER BY created_at DESC, id DESC", SqlPoints::row)));
    }

    @Override
    public List<PointRecord> listByRegion(String region) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE region = ? ORDER BY created_at DESC, id DESC",
                SqlPoints::row, region)));
    }

    @Override
    public Optional<PointRecord> find(String id) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE id = ?", SqlPoints::row, id)).stream().findFirst());
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

    private static List<PointRecord> withDisks(Sql.Session s, List<PointRecord> rows) throws SQLException {
        List<PointRecord> result = new ArrayList<>(rows.size());
        for (PointRecord p : rows) {
            List<PointRecord.PointDisk> disks = s.query(DISKS, r -> new PointRecord.PointDisk(r.getString("target"),
                    r.getLong("logical_bytes"), r.getLong("stored_bytes")), p.id());
            result.add(new PointRecord(p.id(), p.vault(), p.instanceId(), p.instanceName(), p.createdAt(), p.status(),
                    p.consistency(), p.logicalBytes(), p.storedBytes(), p.expiresAt(), p.jobId(), disks,
                    p.consistencyReason(), p.region()));
        }
        return result;
    }

    private static PointRecord row(ResultSet row) throws SQLException {
        return new PointRecord(row.getString("id"), row.getString("vault"), row.getString("instance_id"),
                row.getString("instance_name"), Sql.instant(row, "created_at"), row.getString("status"),
                row.getString("consistency"), row.getLong("logical_bytes"), row.getLong("stored_bytes"),
                Sql.instant(row, "expires_at"), row.getString("job_id"), List.of(), row.getString("consistency_reason"),
                row.getString("region"));
    }
}

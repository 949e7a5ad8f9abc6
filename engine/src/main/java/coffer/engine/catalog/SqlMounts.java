package coffer.engine.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Mounts} on {@code mounts} (V9). Thread-safe. */
final class SqlMounts implements Mounts {
    private static final String COLUMNS = "SELECT id, point_id, disk, instance_id, host_id, target, socket, created_at,"
            + " expires_at, ended_at, end_reason, note FROM mounts";

    private final Sql sql;

    SqlMounts(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void create(MountRecord m) {
        sql.update("INSERT INTO mounts (id, point_id, disk, instance_id, host_id, target, socket, created_at, expires_at,"
                        + " ended_at, end_reason, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", m.id(), m.pointId(),
                m.disk(), m.instanceId(), m.hostId(), m.target(), m.socket(), m.createdAt(), m.expiresAt(), m.endedAt(),
                m.endReason() == null ? null : m.endReason().name(), m.note());
    }

    @Override
    public void attached(String id, String target) {
        sql.update("UPDATE mounts SET target = ? WHERE id = ?", target, id);
    }

    @Override
    public boolean ended(String id, Instant at, MountRecord.EndReason reason, String note) {
        return sql.update("UPDATE mounts SET ended_at = ?, end_reason = ?, note = ? WHERE id = ? AND ended_at IS NULL",
                at, reason.name(), note, id) == 1;
    }

    @Override
    public void mirror(MountRecord m) {
        sql.transaction(s -> {
            if (s.count("SELECT COUNT(*) FROM mounts WHERE id = ?", m.id()) == 0) {
                s.update("INSERT INTO mounts (id, point_id, disk, instance_id, host_id, target, socket, created_at,"
                                + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", m.id(), m.pointId(), m.disk(),
                        m.instanceId(), m.hostId(), m.target(), m.socket(), m.createdAt(), m.expiresAt());
            } else if (m.target() != null) {
                s.update("UPDATE mounts SET target = ? WHERE id = ? AND target IS NULL", m.target(), m.id());
            }
            if (m.endedAt() != null && m.endReason() != null) {
                s.update("UPDATE mounts SET ended_at = ?, end_reason = ?, note = ? WHERE id = ? AND ended_at IS NULL",
                        m.endedAt(), m.endReason().name(), m.note(), m.id());
            }
            return null;
        });
    }

    @Override
    public Optional<MountRecord> find(String id) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlMounts::row, id);
    }

    @Override
    public List<MountRecord> active() {
        return sql.query(COLUMNS + " WHERE ended_at IS NULL ORDER BY created_at, id", SqlMounts::row);
    }

    @Override
    public List<MountRecord> recent(int limit) {
        return sql.query(COLUMNS + " ORDER BY created_at DESC, id DESC LIMIT ?", SqlMounts::row, limit);
    }

    private static MountRecord row(ResultSet row) throws SQLException {
        String reason = row.getString("end_reason");
        return new MountRecord(row.getString("id"), row.getString("point_id"), row.getString("disk"),
                row.getString("instance_id"), row.getString("host_id"), row.getString("target"), row.getString("socket"),
                Sql.instant(row, "created_at"), Sql.instant(row, "expires_at"), Sql.instant(row, "ended_at"),
                reason == null ? null : MountRecord.EndReason.valueOf(reason), row.getString("note"));
    }
}

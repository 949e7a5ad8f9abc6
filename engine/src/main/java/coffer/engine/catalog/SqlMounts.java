package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.MountDisk;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Mounts} on {@code mounts} (V9); a mount's job queued with {@link SqlJobs}. Thread-safe. */
final class SqlMounts implements Mounts {
    private static final String COLUMNS = "SELECT id, point_id, disk, instance_id, host_id, target, socket, created_at,"
            + " expires_at, ended_at, end_reason, note FROM mounts";

    private final Sql sql;
    private final SqlJobs jobs;
    private final Dialect dialect;
    private final Clock clock;

    SqlMounts(Sql sql, SqlJobs jobs, Dialect dialect, Clock clock) {
        this.sql = sql;
        this.jobs = jobs;
        this.dialect = dialect;
        this.clock = clock;
    }

    @Override
    public Job queue(MountDisk mount, String hostId) {
        String id = sql.transaction(s -> {
            if (dialect == Dialect.POSTGRESQL) { // one request of a point at a time (SQLite: the transaction's write lock)
                s.query("SELECT id FROM points WHERE id = ? FOR UPDATE", r -> r.getString(1), mount.point());
            }
            Optional<MountRecord> active = s.one(COLUMNS + " WHERE ended_at IS NULL AND point_id = ? AND disk = ?"
                    + " AND instance_id = ?", SqlMounts::row, mount.point(), mount.disk(), mount.instance());
            if (active.isPresent()) {
                MountRecord m = active.get();
                throw new CofferException(ErrorCode.AlreadyMounted, "disk " + mount.disk() + " of point " + mount.point()
                        + " is already mounted into instance " + mount.instance() + " by mount " + m.id()
                        + (m.target() == null ? "" : " as " + m.target()) + " until " + m.expiresAt());
            }
            // a mount's job queued or running whose mount is not recorded yet, or not ended: its mount is being made
            for (Job pending : s.query(SqlJobs.COLUMNS + " WHERE type = ? AND state IN (?, ?) AND id NOT IN"
                            + " (SELECT id FROM mounts WHERE ended_at IS NOT NULL)", SqlJobs::row, JobType.mount,
                    JobState.queued, JobState.running)) {
                if (pending.operation() instanceof MountDisk other && other.point().equals(mount.point())
                        && other.disk().equals(mount.disk()) && other.instance().equals(mount.instance())) {
                    throw new CofferException(ErrorCode.AlreadyMounted, "disk " + mount.disk() + " of point "
                            + mount.point() + " is being mounted into instance " + mount.instance() + " by mount "
                            + pending.id() + " (its job is " + pending.state() + ")");
                }
            }
            return SqlJobs.insertQueued(s, mount, hostId, clock.instant());
        });
        jobs.changed();
        return jobs.find(id).orElseThrow();
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

    @Override
    public Page<MountRecord> page(boolean ended, PageCursor after, int limit) {
        Where where = new Where().and(ended ? null : true, "ended_at IS NULL").after(after);
        return Page.of(sql.query(COLUMNS + where.newestFirst(limit), SqlMounts::row, where.args()), limit,
                m -> new PageCursor(m.createdAt(), m.id()));
    }

    private static MountRecord row(ResultSet row) throws SQLException {
        String reason = row.getString("end_reason");
        return new MountRecord(row.getString("id"), row.getString("point_id"), row.getString("disk"),
                row.getString("instance_id"), row.getString("host_id"), row.getString("target"), row.getString("socket"),
                Sql.instant(row, "created_at"), Sql.instant(row, "expires_at"), Sql.instant(row, "ended_at"),
                reason == null ? null : MountRecord.EndReason.valueOf(reason), row.getString("note"));
    }
}

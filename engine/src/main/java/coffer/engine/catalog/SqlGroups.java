package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link Groups} in SQL: {@code instance_groups} with their members, {@code group_points} with theirs. Thread-safe. */
final class SqlGroups implements Groups {
    private static final String GROUPS = "SELECT id, name, host_id, created_at FROM instance_groups";
    private static final String POINTS = "SELECT id, group_id, group_name, vault, instant, mode, pause_millis, "
            + "freeze_millis, job_id FROM group_points";

    private final Sql sql;
    private final Clock clock;

    SqlGroups(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public InstanceGroup create(String name, String hostId, List<String> instanceIds) {
        String id = "grp-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        return sql.transaction(s -> {
            Optional<String> owner = s.one("SELECT id FROM instance_groups WHERE name = ?", r -> r.getString(1), name);
            if (owner.isPresent()) {
                throw new CofferException(ErrorCode.NameTaken, "name: a group named '" + name + "' exists already ("
                        + owner.get() + ")");
            }
            s.update("INSERT INTO instance_groups (id, name, host_id, created_at) VALUES (?, ?, ?, ?)", id, name, hostId, now);
            for (int i = 0; i < instanceIds.size(); i++) {
                s.update("INSERT INTO instance_group_members (group_id, ordinal, instance_id) VALUES (?, ?, ?)",
                        id, i, instanceIds.get(i));
            }
            return groups(s, List.of(s.one(GROUPS + " WHERE id = ?", SqlGroups::head, id).orElseThrow())).getFirst();
        });
    }

    @Override
    public Optional<InstanceGroup> resolve(String idOrName) {
        return sql.read(s -> {
            Optional<Head> head = s.one(GROUPS + " WHERE id = ?", SqlGroups::head, idOrName);
            if (head.isEmpty()) {
                head = s.one(GROUPS + " WHERE name = ?", SqlGroups::head, idOrName);
            }
            return head.isEmpty() ? Optional.<InstanceGroup>empty() : Optional.of(groups(s, List.of(head.get())).getFirst());
        });
    }

    @Override
    public NamePage<InstanceGroup> page(String hostId, NameCursor after, int limit) {
        Where where = new Where().equal("host_id", hostId).after(after);
        return sql.read(s -> NamePage.of(groups(s, s.query(GROUPS + where.byName(limit), SqlGroups::head, where.args())),
                limit, g -> new NameCursor(g.name(), g.id())));
    }

    @Override
    public List<InstanceGroup> list() {
        return sql.read(s -> groups(s, s.query(GROUPS + " ORDER BY name", SqlGroups::head)));
    }

    @Override
    public boolean delete(String id) {
        return sql.transaction(s -> s.update("DELETE FROM instance_groups WHERE id = ?", id) > 0);
    }

    @Override
    public void recordPoint(GroupPointRecord p) {
        sql.transaction(s -> {
            s.update("INSERT INTO group_points (id, group_id, group_name, vault, instant, mode, pause_millis, freeze_millis,"
                            + " job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", p.id(), p.groupId(), p.groupName(), p.vault(),
                    p.instant(), p.mode(), p.pauseMillis(), p.freezeMillis(), p.jobId());
            for (int i = 0; i < p.pointIds().size(); i++) {
                s.update("INSERT INTO group_point_members (group_point_id, ordinal, instance_id, point_id) VALUES (?, ?, ?, ?)",
                        p.id(), i, p.instanceIds().get(i), p.pointIds().get(i));
            }
            return null;
        });
    }

    @Override
    public List<GroupPointRecord> points(String groupId) {
        return sql.read(s -> withMembers(s, s.query(POINTS + " WHERE group_id = ? ORDER BY instant, id", SqlGroups::point,
                groupId)));
    }

    @Override
    public Page<GroupPointRecord> pointPage(String groupId, PageCursor after, int limit) {
        Where where = new Where().equal("group_id", groupId).afterOldest(after, "instant");
        return sql.read(s -> Page.of(withMembers(s, s.query(POINTS + where.oldestFirst(limit, "instant"), SqlGroups::point,
                where.args())), limit, p -> new PageCursor(p.instant(), p.id())));
    }

    @Override
    public Optional<GroupPointRecord> findPoint(String id) {
        return sql.read(s -> {
            Optional<GroupPointRecord> head = s.one(POINTS + " WHERE id = ?", SqlGroups::point, id);
            return head.isEmpty() ? Optional.<GroupPointRecord>empty() : Optional.of(withMembers(s, List.of(head.get())).getFirst());
        });
    }

    private record Head(String id, String name, String hostId, Instant createdAt) {
    }

    private static Head head(ResultSet row) throws SQLException {
        return new Head(row.getString("id"), row.getString("name"), row.getString("host_id"), Sql.instant(row, "created_at"));
    }

    /** The groups with their members, read in one statement for them all (a page's), not one per group. */
    private static List<InstanceGroup> groups(Sql.Session s, List<Head> heads) throws SQLException {
        Map<String, List<String>> members = new HashMap<>();
        if (!heads.isEmpty()) {
            Where ids = new Where().in("group_id", heads.stream().map(Head::id).toList());
            for (String[] m : s.query("SELECT group_id, instance_id FROM instance_group_members" + ids.clause()
                    + " ORDER BY group_id, ordinal", r -> new String[]{r.getString(1), r.getString(2)}, ids.args())) {
                members.computeIfAbsent(m[0], id -> new ArrayList<>()).add(m[1]);
            }
        }
        return heads.stream().map(h -> new InstanceGroup(h.id(), h.name(), h.hostId(),
                members.getOrDefault(h.id(), List.of()), h.createdAt())).toList();
    }

    private static GroupPointRecord point(ResultSet row) throws SQLException {
        long freeze = row.getLong("freeze_millis");
        Long freezeMillis = row.wasNull() ? null : freeze;
        return new GroupPointRecord(row.getString("id"), row.getString("group_id"), row.getString("group_name"),
                row.getString("vault"), Sql.instant(row, "instant"), row.getString("mode"), row.getLong("pause_millis"),
                freezeMillis, row.getString("job_id"), List.of(), List.of());
    }

    /** The group points with their members, read in one statement for them all (a page's), not one per point. */
    private static List<GroupPointRecord> withMembers(Sql.Session s, List<GroupPointRecord> points) throws SQLException {
        Map<String, List<String[]>> members = new HashMap<>();
        if (!points.isEmpty()) {
            Where ids = new Where().in("group_point_id", points.stream().map(GroupPointRecord::id).toList());
            for (String[] m : s.query("SELECT group_point_id, instance_id, point_id FROM group_point_members" + ids.clause()
                    + " ORDER BY group_point_id, ordinal", r -> new String[]{r.getString(1), r.getString(2), r.getString(3)},
                    ids.args())) {
                members.computeIfAbsent(m[0], id -> new ArrayList<>()).add(m);
            }
        }
        return points.stream().map(p -> {
            List<String[]> of = members.getOrDefault(p.id(), List.of());
            return new GroupPointRecord(p.id(), p.groupId(), p.groupName(), p.vault(), p.instant(), p.mode(),
                    p.pauseMillis(), p.freezeMillis(), p.jobId(), of.stream().map(m -> m[1]).toList(),
                    of.stream().map(m -> m[2]).toList());
        }).toList();
    }
}

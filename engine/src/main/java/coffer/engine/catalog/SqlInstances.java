package coffer.engine.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link Instances} in SQL: one row per instance, its disks in {@code instance_disks}. Thread-safe. */
final class SqlInstances implements Instances {
    private static final String COLUMNS = "SELECT id, host_id, name, state, refreshed_at, gone FROM instances";
    /** An instance with at least one point in the catalog. */
    private static final String WITH_POINTS = "EXISTS (SELECT 1 FROM points p WHERE p.instance_id = instances.id)";
    /** The disks of the listed instances, read in one query for up to {@value #DISKS_PER_QUERY} instances. */
    private static final String DISKS = "SELECT instance_id, target, device, format, source, virtual_size, allocated_size,"
            + " unsupported_reason FROM instance_disks";
    /** Instances whose disks one query reads: well inside SQLite's and PostgreSQL's limits on parameters. */
    private static final int DISKS_PER_QUERY = 500;

    private final Sql sql;

    SqlInstances(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void refresh(String hostId, List<Instance> found) {
        sql.transaction(s -> {
            for (Instance instance : found) {
                write(s, hostId, instance);
            }
            List<Object> args = new ArrayList<>(List.of(hostId));
            String notFound = "";
            if (!found.isEmpty()) {
                notFound = " AND id NOT IN (" + String.join(", ", Collections.nCopies(found.size(), "?")) + ")";
                found.forEach(i -> args.add(i.id()));
            }
            s.update("UPDATE instances SET gone = 1 WHERE host_id = ?" + notFound, args.toArray());
            return null;
        });
    }

    /** Inserts or updates one instance with its disks (also used by a catalog rebuild). */
    static void write(Sql.Session s, String hostId, Instance instance) throws SQLException {
        s.update("INSERT INTO instances (id, host_id, name, name_folded, state, refreshed_at, gone) VALUES (?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET host_id = excluded.host_id, name = excluded.name,"
                        + " name_folded = excluded.name_folded, state = excluded.state,"
                        + " refreshed_at = excluded.refreshed_at, gone = excluded.gone",
                instance.id(), hostId, instance.name(), FoldedName.of(instance.name()), instance.state(),
                instance.refreshedAt(), instance.gone());
        s.update("DELETE FROM instance_disks WHERE instance_id = ?", instance.id());
        int ordinal = 0;
        for (InstanceDisk disk : instance.disks()) {
            s.update("INSERT INTO instance_disks (instance_id, ordinal, target, device, format, source, virtual_size,"
                            + " allocated_size, unsupported_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    instance.id(), ordinal++, disk.target(), disk.device(), disk.format(), disk.source(),
                    disk.virtualSize(), disk.allocatedSize(), disk.unsupportedReason());
        }
    }

    @Override
    public List<Instance> list(String hostId) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE host_id = ? ORDER BY name, id", SqlInstances::row,
                hostId)));
    }

    @Override
    public List<Instance> listAll() {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " ORDER BY host_id, name, id", SqlInstances::row)));
    }

    @Override
    public NamePage<Instance> page(InstanceQuery query) {
        String protectedRow = "EXISTS (SELECT 1 FROM protections p WHERE p.instance_id = instances.id)";
        Where where = new Where().in("host_id", query.hostIds()).in("id", query.instanceIds())
                .and(query.protectedOnly(), Boolean.TRUE.equals(query.protectedOnly()) ? protectedRow : "NOT " + protectedRow)
                // an index probe a row (points_by_instance), as the drills' list does
                .and(query.withPoints(), Boolean.TRUE.equals(query.withPoints()) ? WITH_POINTS : "NOT " + WITH_POINTS);
        if ("gone".equals(query.state())) {
            where.and(true, "gone = ?", true);
        } else if (query.state() != null) {
            where.and(true, "gone = ? AND state = ?", false, query.state());
        }
        if (query.nameHolds() != null) {
            // LIKE with its wildcards and escape character taken literally, on the names folded as the filter is (V29):
            // the same matches on SQLite and PostgreSQL, letters of every alphabet in either case
            String literal = FoldedName.of(query.nameHolds()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            where.and(true, "name_folded LIKE ? ESCAPE '\\'", "%" + literal + "%");
        }
        where.after(query.after());
        return sql.read(s -> NamePage.of(withDisks(s, s.query(COLUMNS + where.byName(query.limit()), SqlInstances::row,
                where.args())), query.limit(), i -> new NameCursor(i.name(), i.id())));
    }

    @Override
    public NamePage<Instance> withPoints(NameCursor after, int limit) {
        Where where = new Where().and(true, WITH_POINTS)
                .after(after);
        return sql.read(s -> NamePage.of(withDisks(s, s.query(COLUMNS + where.byName(limit), SqlInstances::row,
                where.args())), limit, i -> new NameCursor(i.name(), i.id())));
    }

    @Override
    public Optional<Instance> find(String id) {
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE id = ?", SqlInstances::row, id))
                .stream().findFirst());
    }

    @Override
    public List<Instance> find(java.util.Collection<String> ids) {
        return sql.read(s -> {
            List<Instance> rows = new ArrayList<>();
            for (Where where : Where.inChunks("id", ids, DISKS_PER_QUERY)) {
                rows.addAll(s.query(COLUMNS + where.clause(), SqlInstances::row, where.args()));
            }
            return withDisks(s, rows);
        });
    }

    @Override
    public Optional<Instance> resolve(String idOrName) {
        if (isUuid(idOrName)) {
            Optional<Instance> byId = find(idOrName.toLowerCase());
            if (byId.isPresent()) {
                return byId;
            }
        }
        return sql.read(s -> withDisks(s, s.query(COLUMNS + " WHERE name = ? ORDER BY host_id, gone LIMIT 1",
                SqlInstances::row, idOrName)).stream().findFirst());
    }

    private static boolean isUuid(String text) {
        try {
            return UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The rows with their disks: one query per {@value #DISKS_PER_QUERY} rows, not one per row. */
    private static List<Instance> withDisks(Sql.Session s, List<Instance> rows) throws SQLException {
        Map<String, List<InstanceDisk>> disks = new HashMap<>();
        for (Where ids : Where.inChunks("instance_id", rows.stream().map(Instance::id).toList(), DISKS_PER_QUERY)) {
            for (var disk : s.query(DISKS + ids.clause() + " ORDER BY instance_id, ordinal",
                    r -> Map.entry(r.getString("instance_id"), disk(r)), ids.args())) {
                disks.computeIfAbsent(disk.getKey(), id -> new ArrayList<>()).add(disk.getValue());
            }
        }
        List<Instance> result = new ArrayList<>(rows.size());
        for (Instance row : rows) {
            result.add(new Instance(row.id(), row.hostId(), row.name(), row.state(),
                    List.copyOf(disks.getOrDefault(row.id(), List.of())), row.refreshedAt(), row.gone()));
        }
        return result;
    }

    private static Instance row(ResultSet row) throws SQLException {
        return new Instance(row.getString("id"), row.getString("host_id"), row.getString("name"),
                row.getString("state"), List.of(), Sql.instant(row, "refreshed_at"), Sql.flag(row, "gone"));
    }

    private static InstanceDisk disk(ResultSet row) throws SQLException {
        return new InstanceDisk(row.getString("target"), row.getString("device"), row.getString("format"),
                row.getString("source"), row.getLong("virtual_size"), row.getLong("allocated_size"),
                row.getString("unsupported_reason"));
    }
}

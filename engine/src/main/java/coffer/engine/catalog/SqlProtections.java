package coffer.engine.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** {@link Protections} in SQL; the disk list is a JSON array. Thread-safe. */
final class SqlProtections implements Protections {
    private static final String COLUMNS = "SELECT instance_id, all_disks, disks, vault, created_at, region FROM protections";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Sql sql;
    private final Clock clock;

    SqlProtections(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public void protect(List<Protection> protections) {
        sql.transaction(s -> {
            for (Protection p : protections) {
                s.update("INSERT INTO protections (instance_id, all_disks, disks, vault, created_at, region)"
                                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (instance_id) DO UPDATE SET"
                                + " all_disks = excluded.all_disks, disks = excluded.disks, vault = excluded.vault,"
                                + " region = excluded.region",
                        p.instanceId(), p.allDisks(), Sql.jsonText(p.disks() == null ? List.of() : p.disks()),
                        p.vault(), p.createdAt() != null ? p.createdAt() : clock.instant(), p.region());
            }
            return null;
        });
    }

    @Override
    public boolean remove(String instanceId) {
        return sql.update("DELETE FROM protections WHERE instance_id = ?", instanceId) > 0;
    }

    @Override
    public NamePage<Protection> page(String region, NameCursor after, int limit) {
        Where where = new Where().equal("p.region", region).after(after); // name and id: the instance's (protections have neither)
        List<Named> rows = sql.query("SELECT p.instance_id, p.all_disks, p.disks, p.vault, p.created_at, p.region, i.name, i.id"
                + " FROM protections p JOIN instances i ON i.id = p.instance_id" + where.byName(limit),
                r -> new Named(row(r), r.getString("name")), where.args());
        NamePage<Named> page = NamePage.of(rows, limit, n -> new NameCursor(n.name(), n.protection().instanceId()));
        return new NamePage<>(page.items().stream().map(Named::protection).toList(), page.next());
    }

    private record Named(Protection protection, String name) {
    }

    @Override
    public List<Protection> list() {
        return sql.query(COLUMNS + " ORDER BY created_at, instance_id", SqlProtections::row);
    }

    @Override
    public List<Protection> list(String region) {
        return sql.query(COLUMNS + " WHERE region = ? ORDER BY created_at, instance_id", SqlProtections::row, region);
    }

    @Override
    public int place(String vault, String region) {
        return sql.update("UPDATE protections SET region = ? WHERE vault = ? AND region <> ?", region, vault, region);
    }

    @Override
    public List<Protection> ofInstances(java.util.Collection<String> instanceIds) {
        if (instanceIds.isEmpty()) {
            return List.of();
        }
        Where where = new Where().in("instance_id", instanceIds);
        return sql.query(COLUMNS + where.clause() + " ORDER BY instance_id", SqlProtections::row, where.args());
    }

    @Override
    public Optional<Protection> find(String instanceId) {
        return sql.one(COLUMNS + " WHERE instance_id = ?", SqlProtections::row, instanceId);
    }

    private static Protection row(ResultSet row) throws SQLException {
        List<String> disks;
        try {
            disks = List.copyOf(Sql.JSON.readValue(row.getString("disks"), STRINGS));
        } catch (JsonProcessingException e) {
            throw new SQLException("protections.disks of " + row.getString("instance_id") + " is no JSON list", e);
        }
        return new Protection(row.getString("instance_id"), Sql.flag(row, "all_disks"), disks, row.getString("vault"),
                Sql.instant(row, "created_at"), row.getString("region"));
    }
}

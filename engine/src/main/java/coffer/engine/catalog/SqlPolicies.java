package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.Policy;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.PolicyDocument;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** {@link Policies} in SQL: one row per policy, its fields as {@link PolicyDocument} text. Thread-safe. */
final class SqlPolicies implements Policies {
    private static final String COLUMNS = "SELECT id, name, document, created_at, updated_at, region FROM policies";

    private final Sql sql;
    private final Clock clock;

    SqlPolicies(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public StoredPolicy create(Policy policy, String region) {
        String id = "pol-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        return sql.transaction(s -> {
            requireFreeName(s, policy.name(), null);
            s.update("INSERT INTO policies (id, name, document, created_at, updated_at, region) VALUES (?, ?, ?, ?, ?, ?)",
                    id, policy.name(), CofferJson.tree(PolicyDocument.of(policy)), now, now, region);
            return s.one(COLUMNS + " WHERE id = ?", SqlPolicies::row, id).orElseThrow();
        });
    }

    @Override
    public Optional<StoredPolicy> update(String id, Policy policy, Function<Plan, Instant> nextRun) {
        Instant now = clock.instant();
        return sql.transaction(s -> {
            requireFreeName(s, policy.name(), id);
            if (s.update("UPDATE policies SET name = ?, document = ?, updated_at = ? WHERE id = ?", policy.name(),
                    CofferJson.tree(PolicyDocument.of(policy)), now, id) == 0) {
                return Optional.empty();
            }
            for (Plan plan : s.query(SqlPlans.COLUMNS + " WHERE policy_id = ?", SqlPlans::row, id)) {
                s.update("UPDATE plans SET next_run = ?, updated_at = ? WHERE id = ?", nextRun.apply(plan), now, plan.id());
            }
            return s.one(COLUMNS + " WHERE id = ?", SqlPolicies::row, id);
        });
    }

    @Override
    public Optional<StoredPolicy> find(String id) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlPolicies::row, id);
    }

    @Override
    public Optional<StoredPolicy> resolve(String idOrName) {
        return find(idOrName).or(() -> sql.one(COLUMNS + " WHERE name = ?", SqlPolicies::row, idOrName));
    }

    @Override
    public NamePage<StoredPolicy> page(String region, NameCursor after, int limit) {
        Where where = new Where().equal("region", region).after(after);
        return NamePage.of(sql.query(COLUMNS + where.byName(limit), SqlPolicies::row, where.args()), limit,
                p -> new NameCursor(p.name(), p.id()));
    }

    @Override
    public List<StoredPolicy> find(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Where where = new Where().in("id", ids);
        return sql.query(COLUMNS + where.clause() + " ORDER BY id", SqlPolicies::row, where.args());
    }

    @Override
    public List<StoredPolicy> list() {
        return sql.query(COLUMNS + " ORDER BY name", SqlPolicies::row);
    }

    @Override
    public boolean delete(String id) {
        return sql.transaction(s -> {
            List<String> plans = s.query("SELECT name FROM plans WHERE policy_id = ? ORDER BY name", r -> r.getString(1), id);
            if (!plans.isEmpty()) {
                String name = s.one("SELECT name FROM policies WHERE id = ?", r -> r.getString(1), id).orElse(id);
                throw new CofferException(ErrorCode.PolicyInUse, "policy '" + name + "' is used by " + plans.size()
                        + " plan(s): " + String.join(", ", plans) + "; it can be deleted when no plan uses it");
            }
            return s.update("DELETE FROM policies WHERE id = ?", id) > 0;
        });
    }

    private static void requireFreeName(Sql.Session s, String name, String self) throws SQLException {
        Optional<String> owner = s.one("SELECT id FROM policies WHERE name = ?", r -> r.getString(1), name);
        if (owner.isPresent() && !owner.get().equals(self)) {
            throw new CofferException(ErrorCode.NameTaken, "name: a policy named '" + name + "' exists already ("
                    + owner.get() + ")");
        }
    }

    private static StoredPolicy row(ResultSet row) throws SQLException {
        Policy policy;
        try {
            policy = CofferJson.read(Sql.json(row, "document"), PolicyDocument.class).toPolicy();
        } catch (CofferException e) {
            throw new SQLException("policies.document of " + row.getString("id") + " is not a valid policy: "
                    + e.getMessage(), e);
        }
        return new StoredPolicy(row.getString("id"), policy, Sql.instant(row, "created_at"), Sql.instant(row, "updated_at"),
                row.getString("region"));
    }
}

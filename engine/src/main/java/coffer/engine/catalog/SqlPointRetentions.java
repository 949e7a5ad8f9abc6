package coffer.engine.catalog;

import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.RetentionFacts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link PointRetentions} on the retention columns of {@code points} (V2). Thread-safe. */
final class SqlPointRetentions implements PointRetentions {
    private static final String COLUMNS = "SELECT id, vault, instance_id, created_at, origin, plan_id, policy_id, immutable,"
            + " pinned, pinned_until, expires_at FROM points";

    private final Sql sql;

    SqlPointRetentions(Sql sql) {
        this.sql = sql;
    }

    @Override
    public List<PointRetention> ofInstance(String instanceId) {
        return sql.query(COLUMNS + " WHERE instance_id = ? ORDER BY created_at, id", SqlPointRetentions::row, instanceId);
    }

    @Override
    public Optional<PointRetention> find(String pointId) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlPointRetentions::row, pointId);
    }

    @Override
    public List<String> instancesWithPoints() {
        return sql.query("SELECT DISTINCT instance_id FROM points ORDER BY instance_id", r -> r.getString(1));
    }

    /** Marks a point a plan's: origin, plan, policy, immutable, id. */
    static final String MARK_POLICY = "UPDATE points SET origin = ?, plan_id = ?, policy_id = ?, immutable = ?, pinned = NULL,"
            + " pinned_until = NULL WHERE id = ?";

    @Override
    public void markPolicy(String pointId, String planId, String policyId, boolean immutable) {
        sql.update(MARK_POLICY, RetentionFacts.Origin.POLICY, planId, policyId, immutable, pointId);
    }

    @Override
    public void pin(String pointId, PointExpiry expiry, Instant shownExpiry) {
        pin(pointId, expiry, shownExpiry, "");
    }

    @Override
    public void extend(String pointId, PointExpiry expiry, Instant shownExpiry) {
        pin(pointId, expiry, shownExpiry, EXTENDED);
    }

    /** {@code pinned} is AT or NEVER, with this prefix when a person extended the point (it locks it). */
    private static final String EXTENDED = "EXTENDED_";

    private void pin(String pointId, PointExpiry expiry, Instant shownExpiry, String prefix) {
        String kind = switch (expiry) {
            case PointExpiry.ByRules ignored -> null;
            case PointExpiry.At ignored -> prefix + "AT";
            case PointExpiry.Never ignored -> prefix + "NEVER";
        };
        Instant until = expiry instanceof PointExpiry.At at ? at.instant() : null;
        sql.update("UPDATE points SET pinned = ?, pinned_until = ?, expires_at = ? WHERE id = ?", kind, until, shownExpiry,
                pointId);
    }

    @Override
    public void showExpiry(String pointId, Instant shownExpiry) {
        sql.update("UPDATE points SET expires_at = ? WHERE id = ?", shownExpiry, pointId);
    }

    private static PointRetention row(ResultSet row) throws SQLException {
        RetentionFacts.Origin origin = RetentionFacts.Origin.valueOf(row.getString("origin"));
        Instant expiresAt = Sql.instant(row, "expires_at");
        String pinned = row.getString("pinned");
        boolean extended = pinned != null && pinned.startsWith(EXTENDED);
        pinned = extended ? pinned.substring(EXTENDED.length()) : pinned;
        PointExpiry expiry;
        if ("AT".equals(pinned)) {
            expiry = PointExpiry.at(Sql.instant(row, "pinned_until"));
        } else if ("NEVER".equals(pinned)) {
            expiry = PointExpiry.never();
        } else if (origin == RetentionFacts.Origin.POLICY) {
            expiry = PointExpiry.byRules();
        } else {
            expiry = expiresAt == null ? PointExpiry.never() : PointExpiry.at(expiresAt); // a manual point's own retention
        }
        return new PointRetention(row.getString("id"), row.getString("vault"), row.getString("instance_id"),
                Sql.instant(row, "created_at"), origin, row.getString("plan_id"), row.getString("policy_id"),
                Sql.flag(row, "immutable"), expiry, expiresAt, extended);
    }
}

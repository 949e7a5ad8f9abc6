package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** {@link Hosts} in SQL. Thread-safe. */
final class SqlHosts implements Hosts {
    private static final String COLUMNS = "SELECT id, uri, added_at FROM hosts";

    private final Sql sql;
    private final Clock clock;

    SqlHosts(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public Host ensure(String id, String uri) {
        return sql.transaction(s -> {
            Optional<Host> byUri = s.one(COLUMNS + " WHERE uri = ?", SqlHosts::host, uri);
            if (byUri.isPresent()) {
                return byUri.get();
            }
            Optional<Host> byId = s.one(COLUMNS + " WHERE id = ?", SqlHosts::host, id);
            if (byId.isPresent()) {
                throw new CofferException(ErrorCode.InvalidArgument, "host id '" + id + "' already names "
                        + byId.get().uri() + "; choose another id for " + uri);
            }
            Host host = new Host(id, uri, clock.instant());
            s.update("INSERT INTO hosts (id, uri, added_at) VALUES (?, ?, ?)", id, uri, host.addedAt());
            return s.one(COLUMNS + " WHERE id = ?", SqlHosts::host, id).orElseThrow();
        });
    }

    @Override
    public boolean place(String id, String region) {
        return sql.transaction(s -> {
            if (s.update("UPDATE hosts SET region = ? WHERE id = ? AND region <> ?", region, id, region) == 0) {
                return false;
            }
            s.update("UPDATE jobs SET region = ? WHERE host_id = ? AND region <> ?", region, id, region);
            return true;
        });
    }

    @Override
    public List<Host> list() {
        return sql.query(COLUMNS + " ORDER BY id", SqlHosts::host);
    }

    @Override
    public Optional<Host> find(String id) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlHosts::host, id);
    }

    @Override
    public void serveByAgent(String id, String agent, java.time.Instant now) {
        if (sql.update("UPDATE hosts SET agent = ?, agent_seen_at = ? WHERE id = ?", agent, now, id) == 0) {
            throw new CofferException(ErrorCode.InvalidArgument, "no host '" + id + "' in the catalog");
        }
    }

    @Override
    public Optional<AgentSeen> takeForAgent(String id, String agent, String identity, java.time.Instant now,
                                            java.time.Instant staleBefore) {
        int taken = sql.update("UPDATE hosts SET agent = ?, agent_identity = ?, agent_seen_at = ? WHERE id = ?"
                        + " AND (agent IS NULL OR agent = ? OR agent_identity IS NULL OR agent_identity = ?"
                        + " OR agent_seen_at IS NULL OR agent_seen_at < ?)",
                agent, identity, now, id, agent, identity, staleBefore);
        if (taken == 1) {
            return Optional.empty();
        }
        Optional<AgentSeen> holder = sql.one("SELECT id, agent, agent_seen_at FROM hosts WHERE id = ?",
                r -> new AgentSeen(r.getString("id"), r.getString("agent"), Sql.instant(r, "agent_seen_at")), id);
        if (holder.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "no host '" + id + "' in the catalog");
        }
        return holder;
    }

    @Override
    public boolean seenAgent(String id, String agent, java.time.Instant now) {
        return sql.update("UPDATE hosts SET agent_seen_at = ? WHERE id = ? AND agent = ?", now, id, agent) == 1;
    }

    @Override
    public boolean releaseAgent(String id, String agent) {
        return sql.update("UPDATE hosts SET agent_seen_at = NULL WHERE id = ? AND agent = ?", id, agent) == 1;
    }

    @Override
    public List<AgentSeen> agentServed() {
        return sql.query("SELECT id, agent, agent_seen_at FROM hosts WHERE agent IS NOT NULL ORDER BY id",
                r -> new AgentSeen(r.getString("id"), r.getString("agent"), Sql.instant(r, "agent_seen_at")));
    }

    @Override
    public void agentVaults(String id, List<String> vaults, String defaultVault) {
        sql.transaction(s -> {
            s.update("UPDATE hosts SET agent_vaults = ?, agent_default_vault = ? WHERE id = ?",
                    vaults == null ? null : Sql.jsonText(List.copyOf(vaults)), defaultVault, id);
            AgentPlacement.replaceQueued(s, id);
            return null;
        });
    }

    private static Host host(ResultSet row) throws SQLException {
        return new Host(row.getString("id"), row.getString("uri"), Sql.instant(row, "added_at"));
    }
}

package coffer.engine.catalog;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** {@link ConsoleSessions} in SQL: the table {@code console_sessions}, keyed by the SHA-256 of a session's id. Thread-safe. */
final class SqlConsoleSessions implements ConsoleSessions {
    private final Sql sql;
    private final Clock clock;

    SqlConsoleSessions(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public void open(String id, String tokenId, String csrf, Instant expiresAt) {
        sql.update("INSERT INTO console_sessions (id_sha256, token_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                SqlTokens.sha256(id), tokenId, csrf, clock.instant(), expiresAt);
    }

    @Override
    public Optional<ConsoleSessionRecord> findLive(String id, Instant now) {
        return sql.one("SELECT s.token_id, t.name, t.role, s.csrf, s.created_at, s.expires_at FROM console_sessions s"
                        + " JOIN tokens t ON t.id = s.token_id WHERE s.id_sha256 = ? AND s.expires_at > ? AND t.revoked_at IS NULL",
                r -> new ConsoleSessionRecord(r.getString("token_id"), r.getString("name"), r.getString("role"),
                        r.getString("csrf"), Sql.instant(r, "created_at"), Sql.instant(r, "expires_at")),
                SqlTokens.sha256(id), now);
    }

    @Override
    public boolean close(String id) {
        return sql.update("DELETE FROM console_sessions WHERE id_sha256 = ?", SqlTokens.sha256(id)) > 0;
    }

    @Override
    public int sweep(Instant now) {
        return sql.update("DELETE FROM console_sessions WHERE expires_at <= ?"
                + " OR token_id IN (SELECT id FROM tokens WHERE revoked_at IS NOT NULL)", now);
    }
}

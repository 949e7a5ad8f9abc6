package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@link Tokens} in SQL. A secret is {@code cof_} + 32 random bytes in base64url; only its SHA-256 (hex) is
 * stored, so a leaked catalog reveals no usable token. A token's last use is recorded to the minute, so
 * authenticating a request is a read, not a write, for a token in steady use. Thread-safe.
 */
final class SqlTokens implements Tokens {
    static final String PREFIX = "cof_";
    static final String ADMIN = "admin";
    static final String AGENT = "agent";
    static final Set<String> ROLES = Set.of(ADMIN, "operator", "viewer", "agent");
    /** A token's last use is recorded at most this often. */
    static final Duration LAST_USE_RESOLUTION = Duration.ofMinutes(1);
    private static final String COLUMNS = "SELECT id, name, role, created_at, last_used_at, revoked_at, host FROM tokens";

    private final Sql sql;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    SqlTokens(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public Created create(String name, String role, String host) {
        if (!ROLES.contains(role)) {
            throw new CofferException(ErrorCode.InvalidArgument, "role '" + role + "' is none of " + ROLES);
        }
        if (name == null || name.isBlank()) {
            throw new CofferException(ErrorCode.InvalidArgument, "a token needs a name");
        }
        if (host != null && !role.equals(AGENT)) {
            throw new CofferException(ErrorCode.InvalidArgument, "host: only an agent token acts for a host, not a "
                    + role + " token");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        try {
            sql.update("INSERT INTO tokens (id, name, role, secret_sha256, created_at, host) VALUES (?, ?, ?, ?, ?, ?)",
                    id, name, role, sha256(secret), now, host);
        } catch (CofferException e) {
            Optional<Token> holder = host == null ? Optional.empty() : liveOf(host);
            if (holder.isPresent()) { // the unique index of live tokens' hosts refused it
                throw new CofferException(ErrorCode.NameTaken, "host '" + host + "' is bound to live agent token '"
                        + holder.get().name() + "' (" + holder.get().id() + "); revoke that token first", e);
            }
            throw e;
        }
        return new Created(find(id).orElseThrow(), secret);
    }

    @Override
    public Token bindHost(String id, String host) {
        try { // one statement: SQLite runs it alone; on PostgreSQL the unique index refuses the second of two at once
            sql.update("UPDATE tokens SET host = ? WHERE id = ? AND role = ? AND host IS NULL AND revoked_at IS NULL"
                    + " AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.host = ? AND t.revoked_at IS NULL)",
                    host, id, AGENT, host);
        } catch (CofferException e) {
            if (liveOf(host).isEmpty()) {
                throw e;
            }
        }
        Token token = find(id).orElseThrow(() -> new CofferException(ErrorCode.Unauthorized, "the token is unknown"));
        if (token.host() == null) {
            Token holder = liveOf(host).orElseThrow(() -> new CofferException(ErrorCode.Unauthorized,
                    "token '" + token.name() + "' is revoked"));
            throw new CofferException(ErrorCode.Forbidden, "agent token '" + token.name() + "' cannot act for host '"
                    + host + "': the host is bound to agent token '" + holder.name() + "' (" + holder.id()
                    + "); revoke that token to move the host to this one");
        }
        return token;
    }

    /** The live token bound to {@code host}, if any. */
    private Optional<Token> liveOf(String host) {
        return sql.one(COLUMNS + " WHERE host = ? AND revoked_at IS NULL", SqlTokens::row, host);
    }

    @Override
    public Optional<Token> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = sha256(secret);
        Optional<Token> token = sql.one(COLUMNS + " WHERE secret_sha256 = ? AND revoked_at IS NULL", SqlTokens::row,
                hash);
        if (token.isEmpty()) {
            return token;
        }
        Instant now = clock.instant();
        Token found = token.get();
        if (found.lastUsedAt() != null && !found.lastUsedAt().isBefore(now.minus(LAST_USE_RESOLUTION))) {
            return token; // recorded recently: no write (every API request authenticates; writes contend on SQLite)
        }
        sql.update("UPDATE tokens SET last_used_at = ? WHERE id = ?", now, found.id());
        return find(found.id());
    }

    @Override
    public NamePage<Token> page(String role, NameCursor after, int limit) {
        Where where = new Where().equal("role", role).after(after);
        return NamePage.of(sql.query(COLUMNS + where.byName(limit), SqlTokens::row, where.args()), limit,
                t -> new NameCursor(t.name(), t.id()));
    }

    @Override
    public List<Token> list() {
        return sql.query(COLUMNS + " ORDER BY created_at, id", SqlTokens::row);
    }

    @Override
    public boolean revoke(String id) {
        return sql.transaction(s -> {
            // locks the live admin rows first (a no-op write; SQLite's BEGIN IMMEDIATE already serializes), so a
            // concurrent revocation waits and then counts what this one leaves
            s.update("UPDATE tokens SET role = role WHERE role = ? AND revoked_at IS NULL", ADMIN);
            Optional<Token> token = s.one(COLUMNS + " WHERE id = ? AND revoked_at IS NULL", SqlTokens::row, id);
            if (token.isEmpty()) {
                return false;
            }
            if (token.get().role().equals(ADMIN) && s.count("SELECT COUNT(*) FROM tokens WHERE role = ?"
                    + " AND revoked_at IS NULL AND id <> ?", ADMIN, id) == 0) {
                throw new CofferException(ErrorCode.LastAdminToken, "token '" + token.get().name() + "' (" + id
                        + ") is the last live admin token; revoking it would leave no administrator");
            }
            return s.update("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", clock.instant(), id) > 0;
        });
    }

    @Override
    public void discard(String id) {
        sql.update("DELETE FROM tokens WHERE id = ?", id);
    }

    @Override
    public boolean hasLiveAdmin() {
        return sql.read(s -> s.count("SELECT COUNT(*) FROM tokens WHERE role = ? AND revoked_at IS NULL", ADMIN)) > 0;
    }

    private Optional<Token> find(String id) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlTokens::row, id);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Token row(ResultSet row) throws SQLException {
        return new Token(row.getString("id"), row.getString("name"), row.getString("role"),
                Sql.instant(row, "created_at"), Sql.instant(row, "last_used_at"), Sql.instant(row, "revoked_at"),
                row.getString("host"));
    }
}

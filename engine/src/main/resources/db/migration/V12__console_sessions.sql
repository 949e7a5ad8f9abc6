-- The web console's sessions (docs/console.md, "Sessions, CSRF and roles"), kept in the catalog so a restart (or
-- another server on the same PostgreSQL catalog) keeps people signed in. Only the SHA-256 of a session's id (the
-- cookie's value) is stored, as for token secrets; csrf is the session's CSRF token (worth nothing without the
-- cookie). A session ends when signed out (its row deleted), at expires_at, or when its token is revoked (the look-up
-- joins tokens); rows past their end are swept at each sign-in. Deleting a token (only a never-handed-out one,
-- Tokens.discard) deletes its sessions.
CREATE TABLE console_sessions (
    id_sha256  TEXT PRIMARY KEY,
    token_id   TEXT NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
CREATE INDEX console_sessions_by_token ON console_sessions (token_id);

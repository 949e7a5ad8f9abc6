package coffer.server.console;

import coffer.server.auth.Role;

import java.time.Instant;

/**
 * A signed-in person: the session's id (the cookie's value), the token it was opened with (by id and name; the
 * secret is not kept), that token's role, the session's CSRF token and when it ends. Immutable.
 */
public record ConsoleSession(String id, String tokenId, String tokenName, Role role, String csrf, Instant expiresAt) {
    @Override
    public String toString() {
        return "ConsoleSession[" + tokenName + ", " + role + "]"; // never the id or the CSRF token
    }
}

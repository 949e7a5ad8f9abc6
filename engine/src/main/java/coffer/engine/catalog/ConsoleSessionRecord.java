package coffer.engine.catalog;

import java.time.Instant;

/**
 * A live console session as the catalog keeps it, with its token's name and role (read with it in one join). The
 * session's id itself is not here: the catalog keeps only its SHA-256. Immutable.
 */
public record ConsoleSessionRecord(String tokenId, String tokenName, String role, String csrf, Instant createdAt,
                                   Instant expiresAt) {
    @Override
    public String toString() {
        return "ConsoleSessionRecord[" + tokenName + ", " + role + ", until " + expiresAt + "]"; // never the CSRF token
    }
}

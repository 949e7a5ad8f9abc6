package coffer.engine.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * The web console's sessions (catalog V12): opened with a token, found by the id in a person's cookie, ended by
 * signing out, by expiry or by revoking the token. Only the SHA-256 of an id is stored (like a token's secret), so
 * the catalog's rows cannot be replayed as cookies.
 */
public interface ConsoleSessions {
    /** Stores a new session of token {@code tokenId} under (the hash of) {@code id}. */
    void open(String id, String tokenId, String csrf, Instant expiresAt);

    /** The session with this id, unless it has expired at {@code now} or its token is revoked. */
    Optional<ConsoleSessionRecord> findLive(String id, Instant now);

    /** Ends the session; false when there was none. */
    boolean close(String id);

    /** Deletes the sessions that have expired at {@code now} or whose token is revoked; how many. */
    int sweep(Instant now);
}

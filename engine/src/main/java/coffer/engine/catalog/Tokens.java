package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/**
 * API tokens. Secrets are generated here and returned once; only their SHA-256 is stored. At least one live
 * admin token always remains: revoking the last one is refused, so the server never loses its administrator
 * (a catalog that has none anyway, written before this rule, gets a new one at the server's next start).
 */
public interface Tokens {
    /** A new token: the record and the secret to hand to its user (shown once). */
    record Created(Token token, String secret) {
    }

    default Created create(String name, String role) {
        return create(name, role, null);
    }

    /**
     * A new token; {@code host} (agent tokens only, may be null) is the one host it acts for.
     *
     * @throws coffer.engine.error.CofferException {@link coffer.engine.error.ErrorCode#NameTaken} when another live
     *                                             token is bound to that host
     */
    Created create(String name, String role, String host);

    /**
     * Binds the live agent token {@code id} to {@code host} when it is bound to none (trust on first use,
     * docs/design/agents.md); answers the token as it is now (bound to {@code host}, or to the host it was bound to
     * before, which the caller compares). Atomic: of two tokens binding one host at once, one wins.
     *
     * @throws coffer.engine.error.CofferException {@link coffer.engine.error.ErrorCode#Forbidden} when another live
     *                                             token is bound to {@code host}
     */
    Token bindHost(String id, String host);

    /** The live (not revoked) token with this secret; records its last use (to the minute). */
    Optional<Token> authenticate(String secret);

    List<Token> list();

    /** One page of the tokens (of {@code role} when given; revoked ones too), by name then id, after {@code after}. */
    NamePage<Token> page(String role, NameCursor after, int limit);

    /**
     * Revokes the live token {@code id}; false when there is no live token with that id.
     *
     * @throws coffer.engine.error.CofferException {@link coffer.engine.error.ErrorCode#LastAdminToken} when it is
     *                                             the last live admin token (checked atomically: two admins
     *                                             revoking each other at once leave one)
     */
    boolean revoke(String id);

    /**
     * Deletes token {@code id} outright, whatever its role: only for a token whose secret never reached anyone
     * (the server could not write the admin token file it had just created the token for).
     */
    void discard(String id);

    /** Whether a live (not revoked) admin token exists. */
    boolean hasLiveAdmin();
}

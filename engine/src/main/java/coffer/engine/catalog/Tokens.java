package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** API tokens. Secrets are generated here and returned once; only their SHA-256 is stored. */
public interface Tokens {
    /** A new token: the record and the secret to hand to its user (shown once). */
    record Created(Token token, String secret) {
    }

    Created create(String name, String role);

    /** The live (not revoked) token with this secret; updates its last use. */
    Optional<Token> authenticate(String secret);

    List<Token> list();

    boolean revoke(String id);
}

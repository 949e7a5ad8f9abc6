package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Revoke an API token. */
public record RevokeToken(String token) implements Operation<Revoked> {
    public RevokeToken {
        Problems problems = new Problems();
        Rules.required(problems, "token", token, "the token's id");
        problems.throwIfAny("revoke token request");
    }
}

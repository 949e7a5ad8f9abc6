package coffer.engine.operation;

import coffer.engine.catalog.Token;

/** A new token and its secret, shown only now. */
public record CreatedToken(Token token, String secret) {
}

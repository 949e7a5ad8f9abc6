package coffer.engine.operation;

/** The API tokens (never their secrets). */
public record ListTokens() implements Operation<TokenList> {}

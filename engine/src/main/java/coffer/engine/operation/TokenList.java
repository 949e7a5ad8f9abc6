package coffer.engine.operation;

import java.util.List;

/** API tokens (never their secrets). {@code count} is the list's length. */
public record TokenList(List<coffer.engine.catalog.Token> tokens, int count, String nextCursor) {
    public TokenList {
        tokens = List.copyOf(tokens);
    }

    public static TokenList of(List<coffer.engine.catalog.Token> tokens) {
        return new TokenList(tokens, tokens.size(), null);
    }

    /** One page of a paged list: {@code nextCursor} asks for the next page, null on the last. */
    public static TokenList of(List<coffer.engine.catalog.Token> tokens, String nextCursor) {
        return new TokenList(tokens, tokens.size(), nextCursor);
    }
}

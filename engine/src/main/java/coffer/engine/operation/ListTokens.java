package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.Set;

/**
 * One page of the API tokens (never their secrets; revoked ones too), by name then id: of one {@code role} when
 * given; the page after {@code cursor} (the previous page's {@code nextCursor}); at most {@code limit} (1 to
 * {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}).
 */
public record ListTokens(String role, String cursor, Integer limit) implements Operation<TokenList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public ListTokens {
        Problems problems = new Problems();
        Rules.oneOf(problems, "role", role, Set.copyOf(CreateToken.ROLES));
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("token list request");
    }

    /** The first page of every token. */
    public ListTokens() {
        this(null, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListTokens next(String next) {
        return new ListTokens(role, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

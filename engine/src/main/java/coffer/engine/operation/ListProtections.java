package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * One page of the protected instances, by the instance's name: only those whose points go to a vault of {@code region}
 * when given; the page after {@code cursor} (the previous page's {@code nextCursor}); at most {@code limit} (1 to
 * {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}).
 */
public record ListProtections(String region, String cursor, Integer limit) implements Operation<ProtectionList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public ListProtections {
        Problems problems = new Problems();
        Rules.name(problems, "region", region, "a region: ");
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("protection list request");
    }

    /** The first page of the protections (of {@code region} when given). */
    public ListProtections(String region) {
        this(region, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListProtections next(String next) {
        return new ListProtections(region, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

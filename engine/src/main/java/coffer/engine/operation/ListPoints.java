package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.time.Instant;
import java.util.Set;

/**
 * One page of points, newest first (by creation, then id), filtered on the server: {@code instance} (UUID or name),
 * {@code group} (the points of its member instances), {@code region}, {@code state} ({@code available} or
 * {@code expired}), {@code consistency} ({@code CRASH}, {@code FILESYSTEM}, {@code APPLICATION}), created in
 * [{@code from}, {@code to}); the page after {@code cursor} (the previous page's {@code nextCursor}); at most
 * {@code limit} points (1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}).
 */
public record ListPoints(String instance, String group, String region, String state, String consistency, Instant from,
                         Instant to, String cursor, Integer limit) implements Operation<PointList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    static final Set<String> STATES = Set.of("available", "expired");
    static final Set<String> CONSISTENCIES = Set.of("CRASH", "FILESYSTEM", "APPLICATION");

    public ListPoints {
        Problems problems = new Problems();
        Rules.oneOf(problems, "state", state, STATES);
        Rules.oneOf(problems, "consistency", consistency, CONSISTENCIES);
        Rules.page(problems, from, to, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("point list request");
    }

    /** The first page of the points of {@code instance} (null: of every instance). */
    public ListPoints(String instance) {
        this(instance, null, null, null, null, null, null, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListPoints next(String next) {
        return new ListPoints(instance, group, region, state, consistency, from, to, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

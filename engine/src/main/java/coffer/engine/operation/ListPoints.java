package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One page of points, newest first (by creation, then id), filtered on the server: {@code instance} (UUID or name),
 * {@code group} (the points of its member instances), {@code region} (a replica is a point of its vault's region), {@code state} ({@code available} or
 * {@code expired}), {@code consistency} ({@code CRASH}, {@code FILESYSTEM}, {@code APPLICATION}), taken at or after
 * {@code since} and before {@code until}. The page: the one after {@code cursor} (the previous page's
 * {@code nextCursor}), or the one at {@code offset} (numbered pages, with {@code total}, the number that matched);
 * at most {@code limit} points (1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}).
 */
public record ListPoints(String instance, String group, String region, String state, String consistency, Instant since,
                         Instant until, String cursor, Integer limit, Integer offset) implements Operation<PointList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    public static final List<String> CONSISTENCIES = List.of("APPLICATION", "FILESYSTEM", "CRASH");
    static final Set<String> STATES = Set.of("available", "expired");

    public ListPoints {
        Problems problems = new Problems();
        Rules.name(problems, "region", region, "a region: ");
        Rules.oneOf(problems, "state", state, STATES);
        Rules.oneOf(problems, "consistency", consistency, Set.copyOf(CONSISTENCIES));
        Rules.page(problems, since, until, cursor, limit, MAX_LIMIT);
        if (offset != null && offset < 0) {
            problems.add("offset", "0 or more, got " + offset);
        }
        if (offset != null && cursor != null) {
            problems.add("offset", "give the cursor or the offset, not both");
        }
        problems.throwIfAny("point list request");
    }

    /** The first page of the points of {@code instance} (null: of every instance). */
    public static ListPoints of(String instance) {
        return new ListPoints(instance, null, null, null, null, null, null, null, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListPoints next(String next) {
        return new ListPoints(instance, group, region, state, consistency, since, until, next, limit, null);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}

package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.time.Instant;
import java.util.List;

/**
 * Points, newest first: only those of {@code instance} (UUID or name), of one {@code consistency}, taken at or after
 * {@code since} and before {@code until}, when given; then at most {@code limit} (1 to {@value #MAX_LIMIT}; default:
 * all) from {@code offset} (default 0). The answer's {@code total} counts every point that matched.
 */
public record ListPoints(String instance, String consistency, Instant since, Instant until, Integer limit, Integer offset)
        implements Operation<PointList> {
    public static final int MAX_LIMIT = 1000;
    public static final List<String> CONSISTENCIES = List.of("APPLICATION", "FILESYSTEM", "CRASH");

    public ListPoints {
        Problems problems = new Problems();
        if (consistency != null && !CONSISTENCIES.contains(consistency)) {
            problems.add("consistency", "one of " + String.join(", ", CONSISTENCIES) + ", got '" + consistency + "'");
        }
        if (since != null && until != null && !since.isBefore(until)) {
            problems.add("until", "must be after since (" + since + "), got " + until);
        }
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            problems.add("limit", "a whole number from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        if (offset != null && offset < 0) {
            problems.add("offset", "0 or more, got " + offset);
        }
        problems.throwIfAny("point list request");
    }

    /** Every point, or every point of one instance. */
    public static ListPoints of(String instance) {
        return new ListPoints(instance, null, null, null, null, null);
    }

    /** Whether a point passes the consistency and time filters (the instance is the caller's to match). */
    public boolean matches(PointView point) {
        return (consistency == null || consistency.equals(point.consistency()))
                && (since == null || !point.createdAt().isBefore(since))
                && (until == null || point.createdAt().isBefore(until));
    }

    /** The page of {@code matching} (newest first) this request asks for, with the number that matched. */
    public PointList page(List<PointView> matching) {
        return page(matching, List.of());
    }

    /** The same, with the vault's damaged points (offline). */
    public PointList page(List<PointView> matching, List<PointList.DamagedPoint> damaged) {
        int from = Math.min(matching.size(), offset == null ? 0 : offset);
        int to = limit == null ? matching.size() : (int) Math.min(matching.size(), (long) from + limit);
        List<PointView> page = matching.subList(from, to);
        return new PointList(page, page.size(), matching.size(), damaged);
    }
}

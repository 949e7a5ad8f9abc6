package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * Which points {@link Points#page} returns, newest first: null fields match every point. {@code instanceIds}:
 * the points of these instances (empty: none); {@code expired}: true only those whose expiry is before
 * {@code now}, false only the others; {@code from} inclusive, {@code to} exclusive, on the creation time;
 * {@code after}: the page starts after this cursor; at most {@code limit} points. Immutable.
 */
public record PointQuery(List<String> instanceIds, String region, String consistency, Boolean expired, Instant now,
                         Instant from, Instant to, PageCursor after, Integer offset, int limit) {
    public PointQuery {
        instanceIds = instanceIds == null ? null : List.copyOf(instanceIds);
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one point, got limit " + limit);
        }
        if (after != null && offset != null) {
            throw new IllegalArgumentException("a page starts after a cursor or at an offset, not both");
        }
        if (offset != null && offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        if (expired != null && now == null) {
            throw new IllegalArgumentException("an expiry filter needs the time it is decided at");
        }
    }

    /** Every point, in pages of {@code limit}. */
    public static PointQuery all(int limit) {
        return new PointQuery(null, null, null, null, null, null, null, null, null, limit);
    }

    /** The same query for the page after {@code cursor}. */
    public PointQuery after(PageCursor cursor) {
        return new PointQuery(instanceIds, region, consistency, expired, now, from, to, cursor, offset, limit);
    }
}

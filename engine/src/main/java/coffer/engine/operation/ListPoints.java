package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Points, newest first; only those of {@code instance} (UUID or name) when given, only those of {@code region} (a
 * replica is a point of its vault's region) when given.
 */
public record ListPoints(String instance, String region) implements Operation<PointList> {
    public ListPoints {
        Problems problems = new Problems();
        Rules.name(problems, "region", region, "a region: ");
        problems.throwIfAny("point list request");
    }

    /** Every point, or those of {@code instance}. */
    public static ListPoints of(String instance) {
        return new ListPoints(instance, null);
    }
}

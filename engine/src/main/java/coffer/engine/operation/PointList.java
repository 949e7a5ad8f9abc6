package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One page of points, newest first. {@code count} is the page's length; {@code total} how many matched in all (for a
 * page asked by offset, and offline; absent otherwise: counting every match costs what a page should not);
 * {@code nextCursor} asks for the next page ({@link ListPoints#cursor}), null on the last. {@code damaged}: the points
 * of the vault that cannot be listed as points (offline only: a server lists its catalog's rows), of any instance since
 * their names are unknown; on the first page only, absent when there is none.
 */
public record PointList(List<PointView> points, int count, @JsonInclude(JsonInclude.Include.NON_NULL) Integer total,
                        String nextCursor, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DamagedPoint> damaged) {
    public PointList {
        points = List.copyOf(points);
        damaged = damaged == null ? List.of() : List.copyOf(damaged);
    }

    /**
     * A point whose manifest does not read ({@code damaged}) or is gone while other objects of it remain
     * ({@code lost}); {@code problem} says what is wrong. 'coffer vault verify' reports it, 'coffer point delete'
     * removes what remains of it.
     */
    public record DamagedPoint(String id, String state, String problem) {
        public static final String DAMAGED = "damaged";
        public static final String LOST = "lost";
    }

    /** Every point of a list in one answer (the command line's walk over every page). */
    public static PointList all(List<PointView> points, List<DamagedPoint> damaged) {
        return new PointList(points, points.size(), points.size(), null, damaged);
    }
}

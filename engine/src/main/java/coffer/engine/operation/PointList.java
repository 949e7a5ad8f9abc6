package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Points, newest first. {@code count} is the list's length; {@code total} how many matched before a limit and
 * offset. {@code damaged}: the points of the vault that cannot be listed as points (offline only: a server lists its
 * catalog's rows), of any instance since their names are unknown; absent when there is none.
 */
public record PointList(List<PointView> points, int count, int total,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DamagedPoint> damaged) {
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

    public static PointList of(List<PointView> points) {
        return new PointList(points, points.size(), points.size(), List.of());
    }

    /** The points newest first (by creation, then id). */
    public static PointList newestFirst(List<PointView> points) {
        return newestFirst(points, List.of());
    }

    /** The points newest first (by creation, then id), and the damaged ones. */
    public static PointList newestFirst(List<PointView> points, List<DamagedPoint> damaged) {
        List<PointView> sorted = sorted(points);
        return new PointList(sorted, sorted.size(), sorted.size(), damaged);
    }

    /** Newest first (by creation, then id). */
    public static List<PointView> sorted(List<PointView> points) {
        return points.stream().sorted(java.util.Comparator.comparing(PointView::createdAt)
                .thenComparing(PointView::id).reversed()).toList();
    }
}

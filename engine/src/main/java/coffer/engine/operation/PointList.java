package coffer.engine.operation;

import java.util.List;

/** Points, newest first. {@code count} is the list's length; {@code total} how many matched before a limit and offset. */
public record PointList(List<PointView> points, int count, int total) {
    public PointList {
        points = List.copyOf(points);
    }

    public static PointList of(List<PointView> points) {
        return new PointList(points, points.size(), points.size());
    }

    /** The points newest first (by creation, then id). */
    public static PointList newestFirst(List<PointView> points) {
        return of(sorted(points));
    }

    /** Newest first (by creation, then id). */
    public static List<PointView> sorted(List<PointView> points) {
        return points.stream().sorted(java.util.Comparator.comparing(PointView::createdAt)
                .thenComparing(PointView::id).reversed()).toList();
    }
}

package coffer.engine.operation;

import java.util.List;

/** Points, newest first. {@code count} is the list's length. */
public record PointList(List<PointView> points, int count) {
    public PointList {
        points = List.copyOf(points);
    }

    public static PointList of(List<PointView> points) {
        return new PointList(points, points.size());
    }
}

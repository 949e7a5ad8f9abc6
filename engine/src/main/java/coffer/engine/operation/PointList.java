package coffer.engine.operation;

import java.util.List;

/**
 * One page of points, newest first. {@code count} is the page's length; {@code nextCursor} asks for the next page
 * ({@link ListPoints#cursor}), null on the last.
 */
public record PointList(List<PointView> points, int count, String nextCursor) {
    public PointList {
        points = List.copyOf(points);
    }

    public static PointList of(List<PointView> points, String nextCursor) {
        return new PointList(points, points.size(), nextCursor);
    }
}

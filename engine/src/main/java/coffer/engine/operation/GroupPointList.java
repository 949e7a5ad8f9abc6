package coffer.engine.operation;

import java.util.List;

/** Group points, oldest first. {@code count} is the list's length. */
public record GroupPointList(List<GroupPointView> points, int count, String nextCursor) {
    public GroupPointList {
        points = List.copyOf(points);
    }

    public static GroupPointList of(List<GroupPointView> points) {
        return new GroupPointList(points, points.size(), null);
    }

    /** One page of a paged list: {@code nextCursor} asks for the next page, null on the last. */
    public static GroupPointList of(List<GroupPointView> points, String nextCursor) {
        return new GroupPointList(points, points.size(), nextCursor);
    }
}

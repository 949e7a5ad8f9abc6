package coffer.engine.operation;

import java.util.List;

/** Group points, oldest first. {@code count} is the list's length. */
public record GroupPointList(List<GroupPointView> points, int count) {
    public GroupPointList {
        points = List.copyOf(points);
    }

    public static GroupPointList of(List<GroupPointView> points) {
        return new GroupPointList(points, points.size());
    }
}

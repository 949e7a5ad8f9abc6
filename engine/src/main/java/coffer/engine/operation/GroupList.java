package coffer.engine.operation;

import java.util.List;

/** Consistency groups, by name. {@code count} is the list's length. */
public record GroupList(List<GroupView> groups, int count, String nextCursor) {
    public GroupList {
        groups = List.copyOf(groups);
    }

    public static GroupList of(List<GroupView> groups) {
        return new GroupList(groups, groups.size(), null);
    }

    /** One page of a paged list: {@code nextCursor} asks for the next page, null on the last. */
    public static GroupList of(List<GroupView> groups, String nextCursor) {
        return new GroupList(groups, groups.size(), nextCursor);
    }
}

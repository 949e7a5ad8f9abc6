package coffer.engine.operation;

import java.util.List;

/** Consistency groups, by name. {@code count} is the list's length. */
public record GroupList(List<GroupView> groups, int count) {
    public GroupList {
        groups = List.copyOf(groups);
    }

    public static GroupList of(List<GroupView> groups) {
        return new GroupList(groups, groups.size());
    }
}

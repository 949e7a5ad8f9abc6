package coffer.engine.operation;

import java.util.List;

/**
 * Instances. {@code count} is the list's length; {@code nextCursor} asks for the next page ({@link ListInstances#cursor}),
 * null on the last (and for a list that is not paged: a host's refresh, offline).
 */
public record InstanceList(List<InstanceView> instances, int count, String nextCursor) {
    public InstanceList {
        instances = List.copyOf(instances);
    }

    public static InstanceList of(List<InstanceView> instances) {
        return new InstanceList(instances, instances.size(), null);
    }

    public static InstanceList of(List<InstanceView> instances, String nextCursor) {
        return new InstanceList(instances, instances.size(), nextCursor);
    }
}

package coffer.engine.operation;

import java.util.List;

/** Instances. {@code count} is the list's length. */
public record InstanceList(List<InstanceView> instances, int count) {
    public InstanceList {
        instances = List.copyOf(instances);
    }

    public static InstanceList of(List<InstanceView> instances) {
        return new InstanceList(instances, instances.size());
    }
}

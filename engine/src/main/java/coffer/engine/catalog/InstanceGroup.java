package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * A consistency group: instances of one host ({@code hostId}) backed up, restored and cloned at one instant.
 * {@code instanceIds} in the order given. Immutable.
 */
public record InstanceGroup(String id, String name, String hostId, List<String> instanceIds, Instant createdAt) {
    public InstanceGroup {
        instanceIds = List.copyOf(instanceIds);
    }
}

package coffer.engine.group;

import coffer.vault.PointManifest;

import java.time.Instant;
import java.util.List;

/**
 * A group point: the member points that share one group id ({@link coffer.engine.instance.PointFacts.Group}), in the members' order.
 * {@link #complete()} is false when a member point is missing (deleted since, or the vault damaged).
 *
 * <p>Immutable; thread-safe.
 */
public record GroupPoint(String id, String name, Instant instant, List<String> instances,
                         List<PointManifest> members, long pauseMillis, Long freezeMillis) {
    public GroupPoint {
        instances = List.copyOf(instances);
        members = List.copyOf(members);
    }

    public boolean complete() {
        return members.size() == instances.size();
    }

    /** The instance names without a point in the vault. */
    public List<String> missing() {
        return instances.stream().filter(i -> members.stream().noneMatch(m -> m.name().equals(i))).toList();
    }
}

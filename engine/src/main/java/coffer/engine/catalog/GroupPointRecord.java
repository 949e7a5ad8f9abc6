package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * The catalog's row of a group point: the member points ({@code pointIds}, in the members' order, with their
 * {@code instanceIds}) one group backup took at {@code instant}, the mode asked ({@code crash} or
 * {@code application}), and the windows measured across the group ({@code freezeMillis} null in crash mode).
 * Immutable.
 */
public record GroupPointRecord(String id, String groupId, String groupName, String vault, Instant instant, String mode,
                               long pauseMillis, Long freezeMillis, String jobId, List<String> instanceIds,
                               List<String> pointIds) {
    public GroupPointRecord {
        instanceIds = List.copyOf(instanceIds);
        pointIds = List.copyOf(pointIds);
        if (instanceIds.size() != pointIds.size()) {
            throw new IllegalArgumentException("group point " + id + ": " + instanceIds.size() + " instances but "
                    + pointIds.size() + " points");
        }
    }
}

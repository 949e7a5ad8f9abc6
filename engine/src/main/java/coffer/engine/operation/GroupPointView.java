package coffer.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * A group point as the catalog indexes it: the group, the vault, the instant, the mode, the pause and freeze
 * windows, the job, and each member's point ({@code complete} while every member point still exists).
 */
public record GroupPointView(String id, String group, String groupName, String vault, Instant instant, String mode,
                             long pauseMillis, Long freezeMillis, String job, List<Member> members, boolean complete) {
    public record Member(String instance, String instanceName, String point, String consistency) {
    }
}

package coffer.engine.operation;

import coffer.engine.group.GroupAttributes;
import coffer.engine.group.GroupBackup;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.PointAttributes;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A group point: its id, the group's name, the instant, the mode asked ({@code crash} or {@code application}),
 * how long the members were paused and frozen (null in crash mode), each member's point and consistency.
 */
public record GroupBackupResult(String groupPoint, String group, Instant instant, String mode, long pauseMillis,
                                Long freezeMillis, List<Member> members, List<String> warnings) {

    /** One member: the instance's name, its point, and that point's consistency (with the reason when lower). */
    public record Member(String instance, String point, String consistency, String consistencyReason) {
    }

    public static GroupBackupResult of(GroupBackup.Result result) {
        Map<String, String> facts = result.members().getFirst().point().attributes();
        return new GroupBackupResult(result.id(), result.name(), Instant.parse(facts.get(GroupAttributes.INSTANT)),
                facts.get(GroupAttributes.MODE), result.pauseWindow().toMillis(),
                result.freezeWindow() == null ? null : result.freezeWindow().toMillis(),
                result.members().stream().map(GroupBackupResult::member).toList(), result.warnings());
    }

    private static Member member(InstanceBackup.Result m) {
        Map<String, String> facts = m.point().attributes();
        return new Member(m.point().name(), m.point().id(), facts.getOrDefault(PointAttributes.CONSISTENCY, "CRASH"),
                facts.get(PointAttributes.CONSISTENCY_REASON));
    }
}

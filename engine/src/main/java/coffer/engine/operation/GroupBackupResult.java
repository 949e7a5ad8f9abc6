package coffer.engine.operation;

import coffer.engine.instance.PointFacts;
import coffer.engine.group.GroupBackup;
import coffer.engine.instance.InstanceBackup;

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
        PointFacts.Group group = PointFacts.of(result.members().getFirst().point()).group();
        return new GroupBackupResult(result.id(), result.name(), group.instant(), group.mode(), result.pauseWindow().toMillis(),
                result.freezeWindow() == null ? null : result.freezeWindow().toMillis(),
                result.members().stream().map(GroupBackupResult::member).toList(), result.warnings());
    }

    private static Member member(InstanceBackup.Result m) {
        PointFacts.Consistency facts = PointFacts.of(m.point()).consistency();
        return new Member(m.point().name(), m.point().id(), BackupResult.level(m.point()),
                facts == null ? null : facts.reason());
    }
}

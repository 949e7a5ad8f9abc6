package coffer.engine.operation;

import coffer.engine.group.GroupClone;

import java.time.Instant;
import java.util.List;

/** A group clone: the group point taken now (it expires in one day) and the new started instances. */
public record GroupCloneResult(String groupPoint, String group, Instant instant, String mode, long pauseMillis,
                               Long freezeMillis, List<GroupBackupResult.Member> members, List<String> warnings,
                               List<RestoreInstanceResult> instances) {
    public static GroupCloneResult of(GroupClone.Result result) {
        GroupBackupResult b = GroupBackupResult.of(result.backup());
        return new GroupCloneResult(b.groupPoint(), b.group(), b.instant(), b.mode(), b.pauseMillis(), b.freezeMillis(),
                b.members(), b.warnings(), GroupRestoreResult.of(result.instances()).instances());
    }
}

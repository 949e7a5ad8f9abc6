package coffer.engine.group;

import coffer.engine.instance.PointFacts;
import coffer.engine.JobProgress;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.InstanceClone;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Clone a group now: a group point of the members' current state (expiring after one day, like
 * {@link InstanceClone}), restored at once as new started instances {@code <member><suffix>}.
 *
 * <p>Stateless apart from its collaborators.
 */
public final class GroupClone {
    private final GroupBackup backup;
    private final GroupRestore restore;

    public GroupClone(GroupBackup backup, GroupRestore restore) {
        this.backup = backup;
        this.restore = restore;
    }

    public record Result(GroupBackup.Result backup, GroupRestore.Result instances) {
    }

    public Result run(String name, List<String> instances, AppConsistency consistency, String suffix, Path directory,
                      JobProgress listener) {
        GroupRestore.checkSuffix(suffix);
        GroupBackup.Result point = backup.run(new GroupBackup.Request(name, instances, consistency, 0,
                GroupBackup.DEFAULT_MAX_PAUSED, PointFacts.expiring(Instant.now().plus(InstanceClone.KEEP))), listener);
        return new Result(point, restore.asNewInstances(point.id(), suffix, directory, true, listener));
    }
}

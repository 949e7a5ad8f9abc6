package coffer.engine.instance;

import coffer.engine.JobProgress;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Clone now: a point of the instance's current state, restored at once as a new instance and started.
 * The point records that it expires after one day (retention acts on it once policies exist).
 *
 * <p>Stateless apart from its collaborators.
 */
public final class InstanceClone {
    public static final Duration KEEP = Duration.ofDays(1);

    private final InstanceBackup backup;
    private final InstanceRestore restore;

    public InstanceClone(InstanceBackup backup, InstanceRestore restore) {
        this.backup = backup;
        this.restore = restore;
    }

    public record Result(InstanceBackup.Result backup, InstanceRestore.InstanceResult instance) {
    }

    public Result run(String instance, String newName, Path directory, int threads, JobProgress listener) {
        InstanceBackup.Result point = backup.run(new InstanceBackup.Request(instance, Set.of(), threads,
                PointFacts.expiring(Instant.now().plus(KEEP))), listener);
        InstanceRestore.InstanceResult copy = restore.asNewInstance(point.point().id(), newName, directory, true, listener);
        return new Result(point, copy);
    }
}

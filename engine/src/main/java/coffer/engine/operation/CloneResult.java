package coffer.engine.operation;

import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceClone;
import coffer.engine.instance.InstanceRestore;

import java.util.List;
import java.util.Map;

/**
 * A clone: the point taken now (it expires in one day), the new instance with its disk files, and warnings; for a
 * clone in another region, the replica it was restored from there (null otherwise).
 */
public record CloneResult(String point, String name, Map<String, String> disks, boolean started, List<String> warnings,
                          String replica) {
    public static CloneResult of(InstanceClone.Result result) {
        return of(result.backup(), result.instance(), null);
    }

    /** A clone restored from {@code replica} (null: from the point itself). */
    public static CloneResult of(InstanceBackup.Result backup, InstanceRestore.InstanceResult instance, String replica) {
        RestoreInstanceResult restored = RestoreInstanceResult.of(instance);
        return new CloneResult(backup.point().id(), restored.name(), restored.disks(), restored.started(), backup.warnings(),
                replica);
    }
}

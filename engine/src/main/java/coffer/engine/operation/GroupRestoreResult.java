package coffer.engine.operation;

import coffer.engine.group.GroupRestore;

import java.util.List;

/** A group point restored: each member's new (or overwritten) instance. */
public record GroupRestoreResult(String groupPoint, List<RestoreInstanceResult> instances) {
    public static GroupRestoreResult of(GroupRestore.Result result) {
        return new GroupRestoreResult(result.point().id(),
                result.instances().stream().map(RestoreInstanceResult::of).toList());
    }
}

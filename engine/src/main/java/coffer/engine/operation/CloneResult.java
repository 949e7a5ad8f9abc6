package coffer.engine.operation;

import coffer.engine.instance.InstanceClone;

import java.util.List;
import java.util.Map;

/** A clone: the point taken now (it expires in one day), the new instance with its disk files, and warnings. */
public record CloneResult(String point, String name, Map<String, String> disks, boolean started, List<String> warnings) {
    public static CloneResult of(InstanceClone.Result result) {
        RestoreInstanceResult restored = RestoreInstanceResult.of(result.instance());
        return new CloneResult(result.backup().point().id(), restored.name(), restored.disks(), restored.started(),
                result.backup().warnings());
    }
}

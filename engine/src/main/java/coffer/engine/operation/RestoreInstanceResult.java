package coffer.engine.operation;

import coffer.engine.instance.InstanceRestore;

import java.util.LinkedHashMap;
import java.util.Map;

/** An instance restored: the point, the instance's name, each disk's file by target, and whether it was started. */
public record RestoreInstanceResult(String point, String name, Map<String, String> disks, boolean started) {
    public RestoreInstanceResult {
        disks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(disks));
    }

    public static RestoreInstanceResult of(InstanceRestore.InstanceResult result) {
        Map<String, String> files = new LinkedHashMap<>();
        result.disks().forEach((target, file) -> files.put(target, file.toString()));
        return new RestoreInstanceResult(result.point().id(), result.name(), files, result.started());
    }
}

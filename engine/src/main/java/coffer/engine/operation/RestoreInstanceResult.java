package coffer.engine.operation;

import coffer.engine.instance.InPlaceWrite;
import coffer.engine.instance.InstanceRestore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An instance restored: the point, the instance's name, each disk's file by target, and whether it was started; in
 * place, how each disk was written by target ({@code writes}: a quick rollback or the full write, and why;
 * docs/design/change-tracking.md, "Quick rollback"), else empty.
 */
public record RestoreInstanceResult(String point, String name, Map<String, String> disks, boolean started,
                                    Map<String, InPlaceWrite> writes) {
    public RestoreInstanceResult {
        disks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(disks));
        writes = writes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(writes));
    }

    public RestoreInstanceResult(String point, String name, Map<String, String> disks, boolean started) {
        this(point, name, disks, started, Map.of());
    }

    public static RestoreInstanceResult of(InstanceRestore.InstanceResult result) {
        Map<String, String> files = new LinkedHashMap<>();
        result.disks().forEach((target, file) -> files.put(target, file.toString()));
        return new RestoreInstanceResult(result.point().id(), result.name(), files, result.started(), result.writes());
    }
}

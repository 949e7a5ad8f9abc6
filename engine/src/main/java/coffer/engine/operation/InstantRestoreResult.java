package coffer.engine.operation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An instant restore that completed: the point, the new instance, its disk files by target (local qcow2 files), how
 * long from the request until it was started and until it ran from local files only (milliseconds).
 */
public record InstantRestoreResult(String point, String name, Map<String, String> disks, long startedMillis,
                                   long localMillis) {
    public InstantRestoreResult {
        disks = Collections.unmodifiableMap(new LinkedHashMap<>(disks));
    }
}

package coffer.server.console.page;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * How a finished in-place restore wrote each disk, read from its job's result (docs/api.md: {@code write} of a
 * RestoreDiskResult, {@code writes} of a RestoreInstanceResult, and of each instance of a GroupRestoreResult): a quick
 * rollback or the full write and why (docs/design/change-tracking.md, "Quick rollback"). Empty for any other result.
 */
public final class RestoreWrites {
    /** One disk's write: its instance (null for a disk restore), its target, {@code quick} or {@code full}, and the line. */
    public record DiskWrite(String instance, String disk, String mode, String summary) {
        /** "web vda" or "vda". */
        public String label() {
            return instance == null ? disk : instance + " " + disk;
        }
    }

    private RestoreWrites() {
    }

    public static List<DiskWrite> of(JsonNode result) {
        List<DiskWrite> writes = new ArrayList<>();
        if (result == null || !result.isObject()) {
            return writes;
        }
        add(writes, null, result.path("write"));
        addAll(writes, result);
        for (JsonNode instance : result.path("instances")) {
            addAll(writes, instance);
        }
        return writes;
    }

    private static void addAll(List<DiskWrite> writes, JsonNode instanceResult) {
        String name = instanceResult.path("name").isTextual() ? instanceResult.path("name").asText() : null;
        instanceResult.path("writes").forEach(write -> add(writes, name, write));
    }

    private static void add(List<DiskWrite> writes, String instance, JsonNode write) {
        if (write.isObject() && write.path("summary").isTextual()) {
            writes.add(new DiskWrite(instance, write.path("disk").asText(), write.path("mode").asText(),
                    write.path("summary").asText()));
        }
    }
}

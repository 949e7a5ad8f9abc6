package coffer.engine.job;

import coffer.engine.operation.JobOperation;
import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A job row's parameters: its {@link JobOperation} record as versioned JSON,
 * {@code {"version": 1, "operation": {...the record...}}} (docs/design/jobs.md). Rows written before the
 * records (no {@code version}) held the record's fields without its target, which was the row's target; they
 * read as version 1 with the target put back. Stateless.
 */
public final class JobParams {
    public static final int VERSION = 1;

    private JobParams() {
    }

    /** What a row stores for {@code operation}. */
    public static JsonNode stored(JobOperation<?> operation) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("version", VERSION);
        json.set("operation", CofferJson.tree(operation));
        return json;
    }

    /**
     * The record's JSON from what a row stores: version 1 unwrapped, an unversioned row completed with its
     * target; anything else (a newer version) as it is, so it shows and fails only when run.
     */
    public static JsonNode record(JobType type, String target, JsonNode stored) {
        if (stored == null || !stored.isObject()) {
            return JsonNodeFactory.instance.objectNode().put(type.targetField(), target);
        }
        JsonNode version = stored.get("version");
        if (version == null) {
            ObjectNode legacy = ((ObjectNode) stored).deepCopy();
            legacy.put(type.targetField(), target);
            return legacy;
        }
        if (version.isInt() && version.asInt() == VERSION && stored.path("operation").isObject()) {
            return stored.get("operation");
        }
        return stored;
    }

    /** The record itself; InvalidArgument naming the field when the JSON does not make one. */
    public static JobOperation<?> operation(JobType type, JsonNode record) {
        if (record.has("version")) {
            throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.UnsupportedFormat,
                    type + " job parameters of version " + record.get("version") + "; this Coffer reads version " + VERSION);
        }
        return CofferJson.read(record, type.operation());
    }
}

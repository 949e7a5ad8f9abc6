package coffer.engine.job.handler;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import coffer.engine.job.Job;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's parameters, read strictly: unknown fields, wrong types and out-of-range values fail with
 * InvalidArgument naming the field. Null and absent mean "not given". Immutable.
 */
final class Params {
    private final JsonNode node;
    private final String what;

    private Params(JsonNode node, String what) {
        this.node = node;
        this.what = what;
    }

    static Params of(Job job, Set<String> known) {
        JsonNode node = job.params();
        String what = job.type() + " job parameters";
        if (node == null || node.isNull()) {
            return new Params(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), what);
        }
        if (!node.isObject()) {
            throw new CofferException(ErrorCode.InvalidArgument, what + " must be a JSON object, not " + node.getNodeType());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new CofferException(ErrorCode.InvalidArgument, "unknown field '" + name + "' in " + what
                        + "; known fields: " + new TreeSet<>(known));
            }
        }
        return new Params(node, what);
    }

    private JsonNode given(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private CofferException bad(String field, String expected) {
        return new CofferException(ErrorCode.InvalidArgument, "field '" + field + "' of " + what + " must be "
                + expected + ", not " + node.get(field));
    }

    /** Refuses the parameters with InvalidArgument naming {@code field} when {@code wrong}. */
    void refuseIf(boolean wrong, String field, String why) {
        if (wrong) {
            throw new CofferException(ErrorCode.InvalidArgument, "field '" + field + "' of " + what + ": " + why);
        }
    }

    String optionalString(String field) {
        JsonNode value = given(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw bad(field, "a non-empty string");
        }
        return value.asText();
    }

    String string(String field) {
        String value = optionalString(field);
        if (value == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "field '" + field + "' of " + what + " is required");
        }
        return value;
    }

    String optionalChoice(String field, Set<String> choices) {
        String value = optionalString(field);
        if (value != null && !choices.contains(value)) {
            throw bad(field, "one of " + new TreeSet<>(choices));
        }
        return value;
    }

    boolean flag(String field) {
        JsonNode value = given(field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw bad(field, "true or false");
        }
        return value.asBoolean();
    }

    /** Application-consistency settings in {@link AppConsistencyJson}'s form; absent means off. */
    AppConsistency appConsistency(String field) {
        List<String> problems = new ArrayList<>();
        AppConsistency consistency = AppConsistencyJson.read(node.get(field), field,
                (path, message) -> problems.add(path + ": " + message));
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, what + ": " + String.join("; ", problems));
        }
        return consistency;
    }

    Integer optionalInt(String field, int min, int max) {
        JsonNode value = given(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw bad(field, "a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    List<String> optionalStrings(String field) {
        JsonNode value = given(field);
        if (value == null) {
            return null;
        }
        if (!value.isArray() || value.isEmpty()) {
            throw bad(field, "a non-empty list of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw bad(field, "a non-empty list of strings");
            }
            result.add(item.asText());
        }
        return result;
    }
}

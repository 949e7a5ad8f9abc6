package coffer.engine.json;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one JSON form of operation records, their results and the documents Coffer stores (policies, job
 * parameters): strict on input (unknown fields, wrong types, numbers as strings and trailing data are refused, so is a null inside a list or map;
 * null and absent mean "not given": false for a flag), ISO-8601 times on output. A record's compact constructor checks its values
 * and reports every problem at once ({@link coffer.engine.error.Problems}); this class turns what Jackson
 * finds first (a wrong type, an unknown field, malformed JSON) into an {@code InvalidArgument} naming the
 * field. The API, the job rows, the catalog's documents and the command line all read and write through
 * {@link #MAPPER}. Stateless; thread-safe.
 */
public final class CofferJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            // a null inside a list or map ({"instances": [null]}) is refused, never handed to a record (ApiFuzzIT)
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .build();

    private CofferJson() {
    }

    /**
     * {@code text} as a {@code type}: the text must be one JSON object (an empty text reads as {@code {}}).
     * Anything else ({@code null}, an array, a number, a string) is refused naming what it was.
     */
    public static <T> T readObject(String text, Class<T> type, String what) {
        return read(requireObject(readTree(text, what), what), type);
    }

    /** The JSON of {@code text} (an empty text reads as {@code {}}); InvalidArgument when it is not valid JSON. */
    public static JsonNode readTree(String text, String what) {
        try {
            return text == null || text.isBlank() ? JsonNodeFactory.instance.objectNode() : MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CofferException(ErrorCode.InvalidArgument, what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Refuses anything but a JSON object, naming what it got. */
    public static JsonNode requireObject(JsonNode tree, String what) {
        if (tree == null || !tree.isObject()) {
            throw new CofferException(ErrorCode.InvalidArgument, what + ": expected a JSON object, got " + kind(tree));
        }
        return tree;
    }

    /**
     * The tree as a {@code type}, every failure an {@code InvalidArgument} naming the field. Unknown fields are
     * found first ({@link UnknownFields}) and reported together with the record's own problems.
     */
    public static <T> T read(JsonNode tree, Class<T> type) {
        JsonNode known = tree.deepCopy();
        List<String> unknown = UnknownFields.remove(known, type);
        T value;
        try {
            value = MAPPER.treeToValue(known, type);
        } catch (JsonProcessingException e) {
            throw withUnknown(invalid(e), unknown);
        } catch (IllegalArgumentException e) {
            throw withUnknown(e.getCause() instanceof JsonProcessingException j ? invalid(j) : invalid(e), unknown);
        }
        if (!unknown.isEmpty()) {
            throw withUnknown(null, unknown);
        }
        return value;
    }

    /**
     * The failure with the unknown fields added, as one message counting every problem: a record's own
     * "{@code subject has N problems: a; b}" (from {@link coffer.engine.error.Problems}) gains them in its count.
     */
    private static CofferException withUnknown(CofferException failure, List<String> unknown) {
        if (unknown.isEmpty()) {
            return failure;
        }
        String subject = "request";
        List<String> problems = new ArrayList<>();
        if (failure != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)(.*?) has \\d+ problems?: (.*)")
                    .matcher(failure.getMessage());
            if (m.matches()) {
                subject = m.group(1);
                problems.add(m.group(2));
            } else {
                problems.add(failure.getMessage());
            }
        }
        int count = unknown.size() + (failure == null ? 0 : failure.getMessage().matches("(?s).*? has \\d+ problems?: .*")
                ? Integer.parseInt(failure.getMessage().replaceFirst("(?s).*? has (\\d+) problems?: .*", "$1")) : 1);
        problems.addAll(unknown);
        ErrorCode code = failure == null ? ErrorCode.InvalidArgument : failure.code();
        return new CofferException(code, count == 1 ? String.join("; ", problems)
                : subject + " has " + count + " problems: " + String.join("; ", problems), failure);
    }

    /** The value's JSON tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** The value as compact JSON text. */
    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CofferException invalid(Exception failure) {
        return switch (failure) {
            case UnrecognizedPropertyException e -> new CofferException(ErrorCode.InvalidArgument, path(e)
                    + ": unknown field (known: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")");
            case ValueInstantiationException e when e.getCause() instanceof CofferException c -> nested(path(e), c);
            case ValueInstantiationException e when e.getCause() instanceof IllegalArgumentException c ->
                    nested(path(e), new CofferException(ErrorCode.InvalidArgument, c.getMessage()));
            case InvalidFormatException e -> new CofferException(ErrorCode.InvalidArgument, "field '" + path(e)
                    + "': expected " + describe(e.getTargetType()) + ", got " + e.getValue());
            case MismatchedInputException e -> {
                String field = path(e);
                yield new CofferException(ErrorCode.InvalidArgument, (field.isEmpty() ? "request body" : "field '" + field + "'")
                        + ": expected " + describe(e.getTargetType()));
            }
            case JsonProcessingException e -> new CofferException(ErrorCode.InvalidArgument, "not valid JSON: "
                    + e.getOriginalMessage());
            default -> new CofferException(ErrorCode.InvalidArgument, String.valueOf(failure.getMessage()), failure);
        };
    }

    /** A nested record's problems ({@code scriptTimeoutSeconds: ...}) named from the top ({@code appConsistent.…}). */
    private static CofferException nested(String path, CofferException problem) {
        if (path.isEmpty()) {
            return problem;
        }
        String message = problem.getMessage();
        boolean named = message.matches("[A-Za-z][A-Za-z0-9_.\\[\\]]*: .*");
        return new CofferException(problem.code(), path + (named ? "." : ": ") + message, problem);
    }

    /** The field path of the failure: {@code retention.calendar[0].unit}. */
    private static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m)) {
            return "";
        }
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        return node.getNodeType().name().toLowerCase();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (type.isRecord() || java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }
}

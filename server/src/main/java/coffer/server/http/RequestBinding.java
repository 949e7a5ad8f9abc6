package coffer.server.http;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.json.CofferJson;
import coffer.server.api.Endpoint;
import coffer.server.api.RecordFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Binds a request into its operation record: the path's parameters, then the query parameters (GET, DELETE)
 * or the JSON body (POST, PUT; the whole body when the endpoint names a body field), all checked by the
 * record itself. A body that is not a JSON object (null, an array, a number) is a 400 naming what it was; a
 * non-empty body that is not {@code application/json} is a 415. Stateless.
 */
public final class RequestBinding {
    private RequestBinding() {
    }

    public static Object bind(Endpoint endpoint, Context ctx) {
        ObjectNode fields = endpoint.hasBody() ? body(endpoint, ctx) : query(endpoint, ctx.queryParamMap());
        for (String name : endpoint.pathParameters()) {
            if (fields.has(name)) {
                throw new CofferException(ErrorCode.InvalidArgument, "field '" + name + "' is given by the path; leave it out of the body");
            }
            fields.put(name, ctx.pathParam(name));
        }
        try {
            return CofferJson.read(fields, endpoint.operation());
        } catch (CofferException e) {
            if (endpoint.bodyField() == null) {
                throw e;
            }
            // the body is the field: name its fields as the body's ("retention.keepFor", not "document.retention...")
            throw new CofferException(e.code(), e.getMessage().replace(endpoint.bodyField() + ".", ""), e);
        }
    }

    private static ObjectNode body(Endpoint endpoint, Context ctx) {
        String text = ctx.body();
        if (!text.isBlank()) {
            String type = ctx.contentType();
            String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
            if (!media.equals("application/json") && !media.endsWith("+json")) {
                throw new CofferException(ErrorCode.UnsupportedMediaType, "the request body must be JSON sent as"
                        + " Content-Type: application/json, not " + (type == null ? "no Content-Type" : "'" + type + "'"));
            }
        }
        JsonNode tree = CofferJson.readTree(text, "request body");
        if (endpoint.bodyField() != null) {
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            fields.set(endpoint.bodyField(), CofferJson.requireObject(tree, "request body"));
            return fields;
        }
        return ((ObjectNode) CofferJson.requireObject(tree, "request body")).deepCopy();
    }

    /** Query parameters as the record's fields, each converted to the field's type (whole numbers, true/false, names). */
    private static ObjectNode query(Endpoint endpoint, Map<String, List<String>> parameters) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        RecordComponent[] components = endpoint.operation().getRecordComponents();
        for (var entry : parameters.entrySet()) {
            String name = entry.getKey();
            RecordComponent component = Arrays.stream(components).filter(c -> RecordFields.jsonName(c).equals(name))
                    .filter(c -> !endpoint.pathParameters().contains(c.getName())).findFirst()
                    .orElseThrow(() -> new CofferException(ErrorCode.InvalidArgument, "unknown query parameter '" + name
                            + "' (known: " + String.join(", ", Arrays.stream(components).map(RecordFields::jsonName)
                            .filter(n -> !endpoint.pathParameters().contains(n)).toList()) + ")"));
            if (entry.getValue().isEmpty()) { // a value the server could not decode (a bad %-escape) is dropped
                throw new CofferException(ErrorCode.InvalidArgument, "query parameter '" + name
                        + "': no readable value (a malformed %-escape?)");
            }
            String value = entry.getValue().getLast();
            Class<?> type = component.getType();
            if (type == Integer.class || type == int.class) {
                try {
                    fields.put(name, Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw new CofferException(ErrorCode.InvalidArgument, name + ": expected a whole number, got '" + value + "'");
                }
            } else if (type == Boolean.class || type == boolean.class) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new CofferException(ErrorCode.InvalidArgument, name + ": true or false, got '" + value + "'");
                }
                fields.put(name, Boolean.parseBoolean(value));
            } else if (type.isEnum()) {
                if (Arrays.stream(type.getEnumConstants()).noneMatch(c -> ((Enum<?>) c).name().equals(value))) {
                    throw new CofferException(ErrorCode.InvalidArgument, name + ": one of "
                            + Arrays.toString(type.getEnumConstants()) + ", got '" + value + "'");
                }
                fields.put(name, value);
            } else {
                fields.put(name, value);
            }
        }
        return fields;
    }
}

package coffer.server.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of an OpenAPI 3 document, read with nothing but the standard's structure: {@code paths} with
 * their methods, path and query {@code parameters} (of the path item and of the operation), and the JSON
 * {@code requestBody} schema, every local {@code $ref} resolved. Stateless after construction; immutable.
 */
final class OpenApiOperations {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** One parameter: its name and schema. */
    record Parameter(String name, JsonNode schema) {
    }

    /**
     * One operation: method, path template ({@code /api/v1/points/{point}}), its path and query parameters, and
     * the JSON schema of its request body (null when it takes none).
     */
    record Operation(String method, String path, List<Parameter> pathParameters, List<Parameter> queryParameters,
                     JsonNode bodySchema) {
        String name() {
            return method + " " + path;
        }
    }

    private final JsonNode document;

    private OpenApiOperations(JsonNode document) {
        this.document = document;
    }

    static List<Operation> of(JsonNode document) {
        return new OpenApiOperations(document).operations();
    }

    private List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = paths.next();
            JsonNode item = resolve(entry.getValue());
            for (Iterator<Map.Entry<String, JsonNode>> methods = item.fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                JsonNode operation = resolve(method.getValue());
                Map<String, Parameter> path = new LinkedHashMap<>();
                Map<String, Parameter> query = new LinkedHashMap<>();
                for (JsonNode list : List.of(item.path("parameters"), operation.path("parameters"))) {
                    for (JsonNode p : list) {
                        JsonNode parameter = resolve(p);
                        Parameter read = new Parameter(parameter.path("name").asText(), schema(parameter.path("schema")));
                        switch (parameter.path("in").asText()) {
                            case "path" -> path.put(read.name(), read);
                            case "query" -> query.put(read.name(), read);
                            default -> {
                                // headers and cookies are not fuzzed
                            }
                        }
                    }
                }
                JsonNode body = resolve(operation.path("requestBody")).path("content").path("application/json").path("schema");
                operations.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT), entry.getKey(),
                        List.copyOf(path.values()), List.copyOf(query.values()), body.isMissingNode() ? null : schema(body)));
            }
        }
        return List.copyOf(operations);
    }

    /** {@code schema} with every {@code $ref} in it replaced by its target (recursive references cut at depth 8). */
    private JsonNode schema(JsonNode schema) {
        return inline(schema, 0);
    }

    private JsonNode inline(JsonNode node, int depth) {
        JsonNode resolved = resolve(node);
        if (!resolved.isContainerNode()) {
            return resolved;
        }
        if (depth > 8) {
            return JsonNodeFactory.instance.objectNode(); // any value
        }
        if (resolved.isArray()) {
            var array = JsonNodeFactory.instance.arrayNode();
            resolved.forEach(element -> array.add(inline(element, depth + 1)));
            return array;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        resolved.fields().forEachRemaining(field -> copy.set(field.getKey(), inline(field.getValue(), depth + 1)));
        return copy;
    }

    /** The target of a local {@code $ref} ({@code #/components/...}), or the node itself. */
    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.isObject() && current.has("$ref") && hops < 16; hops++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#")) {
                throw new IllegalArgumentException("only local references are read, not " + ref);
            }
            current = document.at(ref.substring(1));
        }
        return current;
    }
}

package coffer.server.api;

import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated OpenAPI document: one operation per endpoint with its role, every operation with its problem
 * answers, every reference resolved. It is written to {@code target/openapi.json}, which
 * {@code scripts/lint-openapi} lints and the generated client of {@code GeneratedClientIT} is made from.
 */
class OpenApiTest {
    static final ObjectNode DOCUMENT = OpenApi.document();

    @Test
    void everyEndpointIsAnOperationWithItsRoleAndItsProblems() throws Exception {
        JsonNode paths = DOCUMENT.path("paths");
        Set<String> documented = new HashSet<>();
        Set<String> operationIds = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                var op = ops.next();
                documented.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + op.getValue().path("x-coffer-role").asText());
                JsonNode responses = op.getValue().path("responses");
                assertTrue(responses.has("401"), path.getKey() + " " + op.getKey() + " documents 401");
                if (path.getKey().startsWith(Endpoints.PREFIX) && !path.getKey().endsWith("openapi.json")) {
                    for (String status : new String[] {"400", "403", "404", "409"}) {
                        assertTrue(responses.has(status), path.getKey() + " " + op.getKey() + " documents " + status);
                    }
                }
                assertTrue(op.getValue().hasNonNull("operationId") && op.getValue().hasNonNull("summary"));
                assertTrue(operationIds.add(op.getValue().path("operationId").asText()),
                        "operationId " + op.getValue().path("operationId").asText() + " is unique");
            }
        }
        Set<String> endpoints = new HashSet<>();
        Endpoints.ALL.forEach(e -> endpoints.add(e.method() + " " + e.path() + " " + e.role()));
        endpoints.add("GET " + Endpoints.PREFIX + "/openapi.json viewer");
        endpoints.add("GET /metrics viewer");
        endpoints.add("GET " + Endpoints.PREFIX + "/exports/{export}/download operator"); // a file, not a record
        assertEquals(endpoints, documented);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "openapi.json"),
                CofferJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(DOCUMENT));
    }

    @Test
    void everyReferenceResolvesAndRecordsKeepTheirJsonNames() {
        JsonNode schemas = DOCUMENT.path("components").path("schemas");
        Set<String> missing = new HashSet<>();
        collectRefs(DOCUMENT, missing, schemas);
        assertTrue(missing.isEmpty(), "unresolved: " + missing);
        JsonNode backup = DOCUMENT.path("paths").path(Endpoints.PREFIX + "/instances/{instance}/backups").path("post")
                .path("requestBody").path("content").path("application/json").path("schema").path("properties");
        assertTrue(backup.has("retentionDays") && backup.has("appConsistent") && backup.has("description")
                && !backup.has("instance"), backup.toString());
        assertTrue(schemas.path("InstanceView").path("properties").has("protected"), "the JSON name, not the field's");
        assertEquals("integer", schemas.path("BackupResultBackedUpDisk").path("properties").path("size").path("type").asText());
    }

    private static void collectRefs(JsonNode node, Set<String> missing, JsonNode schemas) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.asText().startsWith("#/components/schemas/")
                    && !schemas.has(ref.asText().substring("#/components/schemas/".length()))) {
                missing.add(ref.asText());
            }
            node.forEach(child -> collectRefs(child, missing, schemas));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, missing, schemas));
        }
    }
}

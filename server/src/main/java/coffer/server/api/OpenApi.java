package coffer.server.api;

import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.JobView;
import coffer.engine.operation.PolicyDocument;
import coffer.server.auth.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaBuilder;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API's OpenAPI 3.1 document, generated from the endpoint table ({@link Endpoints}) and the operation and
 * result records: each endpoint's path, role ({@code x-coffer-role}), parameters (the path's, and the record's
 * other fields as query parameters of a GET or DELETE), request body (the record's other fields, or the whole
 * body field), its success answer (the result record; a job operation's job) and its RFC 9457 problems. The
 * schemas come from the records through a JSON Schema library (victools jsonschema-generator, with its Jackson
 * module, so names follow the JSON form); the few values with two JSON forms (application consistency, a
 * schedule, a replica key) and free JSON (a job's parameters and result) are described by hand here. Built once;
 * the result is immutable in use. Stateless.
 */
public final class OpenApi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SCHEMAS = "#/components/schemas/";
    /** The problems every operation may answer; a body's 415 is added where there is a body. */
    private static final Map<Integer, String> PROBLEMS = new LinkedHashMap<>(Map.of(
            400, "a bad value, named with every other problem (InvalidArgument, NoDestinationRegion)",
            401, "no token, or an unknown or revoked one (Unauthorized)",
            403, "the token's role is too low (Forbidden)",
            404, "what the request names does not exist (PointNotFound, InstanceNotFound, JobNotFound, ResourceNotFound)",
            409, "the state forbids it (BackupPointImmutable, PlanExists, PolicyInUse, NameTaken, JobFinished, ...)"));

    private OpenApi() {
    }

    /** Writes the document to the file named by the first argument (for linting and client generation). */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Files.writeString(target, CofferJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document()));
    }

    /** The document of every endpoint and of {@link MetaApi}'s two. */
    public static ObjectNode document() {
        SchemaBuilder schemas = schemaGenerator().buildMultipleSchemaDefinitions();
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info").put("title", "Coffer API").put("version", "1")
                .put("description", "Backup of whole virtual machines on KVM/libvirt hosts. Every request is an operation"
                        + " record (docs/design/operations.md); errors are RFC 9457 problems with a stable code"
                        + " (docs/design/errors.md). Authentication: a bearer token with a role (viewer, operator, admin).");
        info.putObject("license").put("name", "Coffer's license").put("url", "https://coffer.dev/license");
        doc.putArray("servers").addObject().put("url", "http://127.0.0.1:8470").put("description", "a server on its defaults");
        doc.putArray("security").addObject().putArray("bearer");
        ObjectNode paths = doc.putObject("paths");
        Set<Class<?>> shared = Endpoints.ALL.stream().collect(java.util.stream.Collectors.groupingBy(Endpoint::operation,
                java.util.stream.Collectors.counting())).entrySet().stream().filter(e -> e.getValue() > 1)
                .map(java.util.Map.Entry::getKey).collect(java.util.stream.Collectors.toSet());
        Set<String> tags = new java.util.TreeSet<>();
        for (Endpoint endpoint : Endpoints.ALL) {
            ObjectNode operation = operation(endpoint, schemas, shared);
            tags.add(operation.path("tags").get(0).asText());
            pathItem(paths, endpoint.path()).set(endpoint.method().toLowerCase(Locale.ROOT), operation);
        }
        for (coffer.engine.job.JobType type : coffer.engine.job.JobType.values()) {
            schemas.createSchemaReference(type.result()); // a job's result, for clients that read it
        }
        meta(paths);
        tags.add("meta");
        ArrayNode tagList = doc.putArray("tags");
        tags.forEach(t -> tagList.addObject().put("name", t).put("description", "The " + t + " of the server."));
        ObjectNode components = doc.putObject("components");
        components.set("schemas", schemas.collectDefinitions("components/schemas"));
        ((ObjectNode) components.get("schemas")).set("Problem", problemSchema());
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "A token of 'coffer token create' (the first start writes an admin token to a file).");
        ObjectNode responses = components.putObject("responses");
        PROBLEMS.forEach((status, what) -> responses.set("Problem" + status, problemResponse(what)));
        responses.set("Problem415", problemResponse("the body is not sent as application/json (UnsupportedMediaType)"));
        return doc;
    }

    /**
     * One operation of the document. An operation record served on more than one route (points of all
     * instances, points of one instance) keeps its plain name on the route without path parameters; the
     * others are named by their parameters (listPointsByInstance).
     */
    private static ObjectNode operation(Endpoint endpoint, SchemaBuilder schemas, Set<Class<?>> shared) {
        Class<?> record = endpoint.operation();
        ObjectNode op = NODES.objectNode();
        String id = Character.toLowerCase(record.getSimpleName().charAt(0)) + record.getSimpleName().substring(1);
        if (shared.contains(record) && !endpoint.pathParameters().isEmpty()) {
            id += "By" + endpoint.pathParameters().stream().map(p -> Character.toUpperCase(p.charAt(0)) + p.substring(1))
                    .reduce("", String::concat);
        }
        op.put("operationId", id);
        op.put("summary", sentence(record.getSimpleName()));
        op.put("description", (endpoint.isJob() ? "A long operation: answered with its job (follow it with GET "
                + Endpoints.PREFIX + "/jobs/{job}); the job's result is a " + jobResult(endpoint).getSimpleName() + ". "
                : "") + "Operation record " + record.getSimpleName() + "; role " + endpoint.role() + " or above.");
        op.putArray("tags").add(endpoint.path().substring(Endpoints.PREFIX.length() + 1).split("/")[0]);
        op.put("x-coffer-role", endpoint.role().name());
        ArrayNode parameters = NODES.arrayNode();
        for (String name : endpoint.pathParameters()) {
            parameters.addObject().put("name", name).put("in", "path").put("required", true)
                    .put("description", "The " + name + " (an id, or what the operation says it takes).")
                    .putObject("schema").put("type", "string");
        }
        ObjectNode body = NODES.objectNode();
        for (RecordComponent c : record.getRecordComponents()) {
            if (endpoint.pathParameters().contains(c.getName())) {
                continue;
            }
            ObjectNode schema = schemas.createSchemaReference(c.getGenericType());
            if (endpoint.hasBody()) {
                if (endpoint.bodyField() == null) {
                    body.set(RecordFields.jsonName(c), schema);
                } else if (c.getName().equals(endpoint.bodyField())) {
                    op.putObject("requestBody").put("required", true).putObject("content")
                            .putObject("application/json").set("schema", schema);
                }
            } else {
                parameters.addObject().put("name", RecordFields.jsonName(c)).put("in", "query").put("required", false)
                        .set("schema", schema);
            }
        }
        if (!parameters.isEmpty()) {
            op.set("parameters", parameters);
        }
        if (endpoint.hasBody() && endpoint.bodyField() == null && !body.isEmpty()) {
            ObjectNode schema = op.putObject("requestBody").put("required", false).putObject("content")
                    .putObject("application/json").putObject("schema");
            schema.put("type", "object").set("properties", body);
            schema.put("additionalProperties", false);
        }
        ObjectNode responses = op.putObject("responses");
        Type result = endpoint.isJob() ? JobView.class : resultOf(record);
        responses.putObject(Integer.toString(endpoint.status())).put("description", endpoint.isJob() ? "the queued job"
                : "the result").putObject("content").putObject("application/json")
                .set("schema", schemas.createSchemaReference(result));
        PROBLEMS.keySet().forEach(status -> responses.putObject(Integer.toString(status))
                .put("$ref", "#/components/responses/Problem" + status));
        if (endpoint.hasBody()) {
            responses.putObject("415").put("$ref", "#/components/responses/Problem415");
        }
        return op;
    }

    /** The OpenAPI document and the Prometheus metrics ({@link MetaApi}). */
    private static void meta(ObjectNode paths) {
        ObjectNode openApi = pathItem(paths, Endpoints.PREFIX + "/openapi.json").putObject("get");
        openApi.put("operationId", "showOpenApi").put("summary", "Show this document").put("x-coffer-role", Role.viewer.name());
        openApi.putArray("tags").add("meta");
        openApi.putObject("responses").putObject("200").put("description", "the OpenAPI document").putObject("content")
                .putObject("application/json").putObject("schema").put("type", "object");
        ((ObjectNode) openApi.get("responses")).putObject("401").put("$ref", "#/components/responses/Problem401");
        ObjectNode metrics = pathItem(paths, "/metrics").putObject("get");
        metrics.put("operationId", "showMetrics").put("summary", "Show the Prometheus metrics")
                .put("x-coffer-role", Role.viewer.name());
        metrics.putArray("tags").add("meta");
        metrics.putObject("responses").putObject("200").put("description", "the metrics in Prometheus' text format")
                .putObject("content").putObject("text/plain").putObject("schema").put("type", "string");
        ((ObjectNode) metrics.get("responses")).putObject("401").put("$ref", "#/components/responses/Problem401");
        ObjectNode download = pathItem(paths, Endpoints.PREFIX + "/exports/{export}/download").putObject("get");
        download.put("operationId", "downloadExport").put("summary", "Download an export's archive (tar + zstd), or one range of it")
                .put("x-coffer-role", Role.operator.name());
        download.putArray("tags").add("exports");
        ArrayNode parameters = download.putArray("parameters");
        parameters.addObject().put("name", "export").put("in", "path").put("required", true)
                .putObject("schema").put("type", "string");
        parameters.addObject().put("name", "Range").put("in", "header").put("required", false)
                .put("description", "one range: bytes=a-b, bytes=a- or bytes=-n").putObject("schema").put("type", "string");
        ObjectNode answers = download.putObject("responses");
        for (String status : new String[] {"200", "206"}) {
            answers.putObject(status).put("description", status.equals("200") ? "the archive" : "the range asked for")
                    .putObject("content").putObject("application/zstd").putObject("schema").put("type", "string")
                    .put("format", "binary");
        }
        answers.putObject("416").put("description", "the range cannot be satisfied");
        PROBLEMS.keySet().forEach(status -> answers.putObject(Integer.toString(status))
                .put("$ref", "#/components/responses/Problem" + status));
    }

    private static ObjectNode pathItem(ObjectNode paths, String path) {
        return paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
    }

    private static ObjectNode problemResponse(String what) {
        ObjectNode response = NODES.objectNode().put("description", "A problem: " + what + ".");
        response.putObject("content").putObject("application/problem+json").putObject("schema").put("$ref", SCHEMAS + "Problem");
        return response;
    }

    private static ObjectNode problemSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object")
                .put("description", "An RFC 9457 problem with Coffer's stable code and what to do.");
        ObjectNode p = schema.putObject("properties");
        p.putObject("type").put("type", "string");
        p.putObject("title").put("type", "string");
        p.putObject("status").put("type", "integer");
        p.putObject("detail").put("type", "string");
        ArrayNode codes = p.putObject("code").put("type", "string").putArray("enum");
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.name());
        }
        p.putObject("remedy").put("type", "string");
        schema.putArray("required").add("code").add("detail");
        return schema;
    }

    /** "ListPoints" → "List points". */
    private static String sentence(String name) {
        String words = name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static Class<?> jobResult(Endpoint endpoint) {
        for (coffer.engine.job.JobType type : coffer.engine.job.JobType.values()) {
            if (type.operation() == endpoint.operation()) {
                return type.result();
            }
        }
        throw new IllegalStateException(endpoint + " carries no job type");
    }

    /** The {@code R} of a record implementing {@code Operation<R>}. */
    static Type resultOf(Class<?> operation) {
        for (Type type : operation.getGenericInterfaces()) {
            if (type instanceof ParameterizedType p && p.getRawType() == coffer.engine.operation.Operation.class) {
                return p.getActualTypeArguments()[0];
            }
        }
        throw new IllegalArgumentException(operation + " is no Operation");
    }

    private static SchemaGenerator schemaGenerator() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(CofferJson.MAPPER, SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonModule())
                .with(Option.DEFINITIONS_FOR_ALL_OBJECTS, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        config.forTypesInGeneral()
                .withDefinitionNamingStrategy((key, context) -> name(key.getType().getErasedType()))
                .withCustomDefinitionProvider((type, context) -> {
                    if (Map.class.isAssignableFrom(type.getErasedType())) { // a map: an object of values, inline
                        ObjectNode map = NODES.objectNode().put("type", "object");
                        map.set("additionalProperties", context.createDefinitionReference(type.getTypeParameters().get(1)));
                        return new CustomDefinition(map, CustomDefinition.DefinitionType.INLINE,
                                CustomDefinition.AttributeInclusion.NO);
                    }
                    JsonNode custom = custom(type.getErasedType());
                    return custom == null ? null : new CustomDefinition((ObjectNode) custom,
                            type.getErasedType() == Instant.class || type.getErasedType() == JsonNode.class
                                    ? CustomDefinition.DefinitionType.INLINE : CustomDefinition.DefinitionType.STANDARD,
                            CustomDefinition.AttributeInclusion.NO);
                });
        return new SchemaGenerator(config.build());
    }

    /** A nested record's name with its outer one: {@code PointDetailDisk}. */
    private static String name(Class<?> type) {
        return type.getEnclosingClass() == null ? type.getSimpleName() : name(type.getEnclosingClass()) + type.getSimpleName();
    }

    /** The values with two JSON forms, times, and free JSON. */
    private static JsonNode custom(Class<?> type) {
        try {
            if (type == Instant.class) {
                return CofferJson.MAPPER.readTree("{\"type\": \"string\", \"format\": \"date-time\"}");
            }
            if (JsonNode.class.isAssignableFrom(type)) {
                return CofferJson.MAPPER.readTree("{\"description\": \"any JSON: the job's operation record or result\"}");
            }
            if (type == AppConsistency.class) {
                return CofferJson.MAPPER.readTree("""
                        {"description": "Application consistency: false (crash-consistent), true (the defaults), or the options",
                         "oneOf": [{"type": "boolean"},
                                   {"type": "object", "additionalProperties": false, "properties": {
                                     "freezeFileSystems": {"type": "boolean"}, "includeWriters": {"type": "boolean"},
                                     "scriptTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 3600}}}]}""");
            }
            if (type == PolicyDocument.ScheduleForm.class) {
                return CofferJson.MAPPER.readTree("""
                        {"description": "When a policy runs: I|<unix start seconds>|<PT<n>H, P<n>D or P<n>W>, or the start and interval",
                         "oneOf": [{"type": "string"},
                                   {"type": "object", "additionalProperties": false, "properties": {
                                     "start": {"type": "string", "format": "date-time"}, "interval": {"type": "string"}}}]}""");
            }
            if (type == PolicyDocument.EncryptionForm.class) {
                return CofferJson.MAPPER.readTree("""
                        {"description": "How replicas are encrypted: auto, or an assigned key of the destination",
                         "oneOf": [{"type": "string", "enum": ["auto"]},
                                   {"type": "object", "additionalProperties": false, "properties": {"keyId": {"type": "string"}}}]}""");
            }
            return null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every schema name the document defines (for tests). */
    static List<String> schemaNames(ObjectNode document) {
        List<String> names = new java.util.ArrayList<>();
        document.path("components").path("schemas").fieldNames().forEachRemaining(names::add);
        return names;
    }
}

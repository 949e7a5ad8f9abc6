package coffer.server.api.fuzz;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.vault.fs.FileTree;
import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Disabled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes every operation of the OpenAPI document the server serves (read at run time, so the fuzzer follows the
 * document): path segments with traversal and bad escapes, query strings, bodies shaped by each operation's
 * schema with wrong types, nulls, huge and unicode values, and bodies that are not JSON at all. No answer may
 * be a 5xx (or no answer), and the server must answer normally after every round and at the end.
 *
 * <p>jqwik generates the inputs; a failure shrinks to a small case and prints its seed. Each round (a "try")
 * sends one generated input to every operation. CI runs {@code jqwik.tries.default} rounds from
 * src/test/resources/junit-platform.properties (12); full size: {@code scripts/bench-api} (500 rounds), figures
 * in docs/server.md. The server runs on the real libvirt host; instance names the fuzzer makes up never name
 * a domain that exists (those are left out), so no job touches a real domain.
 */
class ApiFuzzIT {
    private static final String NO_SUCH = "fuzz-none";
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    private static Path dir;
    private static TestServer server;
    private static RawHttp http;
    private static List<OpenApiOperations.Operation> operations;
    private static List<OpenApiOperations.Operation> withBody;
    private static final Set<String> existing = new HashSet<>();
    private static final Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("coffer-fuzz-");
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
        URI uri = URI.create(server.url());
        http = new RawHttp(uri.getHost(), uri.getPort());
        TestServer.Answer document = server.admin("GET", "/api/v1/openapi.json", null);
        assertEquals(200, document.status(), document.text());
        operations = OpenApiOperations.of(document.body());
        withBody = operations.stream().filter(o -> o.bodySchema() != null).toList();
        assertTrue(operations.size() >= 25 && !withBody.isEmpty(), operations.size() + " operations");
        for (JsonNode instance : server.admin("GET", "/api/v1/instances", null).body().path("instances")) {
            existing.add(instance.path("name").asText());
            existing.add(instance.path("id").asText());
        }
    }

    @AfterContainer
    static void stop() throws IOException, InterruptedException {
        try {
            if (server != null) {
                assertEquals(200, server.admin("GET", "/api/v1/vaults", null).status(), "the server answers at the end");
                statuses.forEach((property, counts) -> System.out.printf(Locale.ROOT,
                        "api fuzz: %s: %d requests over %d operations, statuses %s%n", property,
                        counts.values().stream().mapToInt(Integer::intValue).sum(), operations.size(), counts));
            }
        } finally {
            if (server != null) {
                server.close();
            }
            FileTree.delete(dir);
        }
    }

    @Property
    void pathSegmentsAndQueriesNeverGiveAServerError(@ForAll("segments") String segment, @ForAll("queries") String query)
            throws Exception {
        List<String> failures = new ArrayList<>();
        for (OpenApiOperations.Operation operation : operations) {
            String target = target(operation, segment) + (query.isEmpty() ? "" : "?" + query);
            byte[] body = operation.bodySchema() == null ? null : "{}".getBytes(StandardCharsets.US_ASCII);
            call("paths and queries", failures, operation, target, body == null ? null : "application/json", body);
        }
        assertNoServerError(failures);
    }

    @Property
    void schemaShapedBodiesNeverGiveAServerError(@ForAll("schemaBodies") List<JsonNode> bodies) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < withBody.size(); i++) {
            OpenApiOperations.Operation operation = withBody.get(i);
            call("schema-shaped bodies", failures, operation, target(operation, NO_SUCH), "application/json",
                    bodies.get(i).toString().getBytes(StandardCharsets.UTF_8));
        }
        assertNoServerError(failures);
    }

    @Property
    void malformedBodiesNeverGiveAServerError(@ForAll("malformed") byte[] body, @ForAll("contentTypes") String contentType)
            throws Exception {
        List<String> failures = new ArrayList<>();
        for (OpenApiOperations.Operation operation : operations) {
            call("malformed bodies", failures, operation, target(operation, NO_SUCH), contentType, body);
        }
        assertNoServerError(failures);
    }

    /**
     * A JSON body that is not an object (null, an array, a number, a string) is a 4xx problem, never a 500.
     * TODO(issue 15, defect 5): enable (remove {@code @Disabled}) once the request binding that refuses such
     * bodies (the {@code ops} branch) is merged; today JSON {@code null} gives 500 NullPointerException on the
     * POST endpoints.
     */
    @Property
    @Disabled("issue 15 defect 5: JSON null/array/number bodies give 500 until the ops branch's request binding is merged")
    void nonObjectBodiesAreRefusedAsBadRequests(@ForAll("nonObjects") byte[] body) throws Exception {
        List<String> failures = new ArrayList<>();
        for (OpenApiOperations.Operation operation : withBody) {
            RawHttp.Answer answer = call("non-object bodies", failures, operation, target(operation, NO_SUCH),
                    "application/json", body);
            if (answer.status() >= 400 && answer.status() < 500 && !answer.head().toLowerCase(Locale.ROOT)
                    .contains("content-type: application/problem+json")) {
                failures.add(operation.name() + ": a " + answer.status() + " without a problem document: " + answer.summary());
            }
        }
        assertNoServerError(failures);
    }

    @Provide
    Arbitrary<String> segments() {
        return FuzzValues.pathSegments().filter(s -> !existing.contains(decoded(s)));
    }

    /** What the server reads from a path segment (the segment itself when it is not valid percent-encoding). */
    private static String decoded(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return segment;
        }
    }

    @Provide
    Arbitrary<String> queries() {
        return FuzzValues.query(operations.stream().flatMap(o -> o.queryParameters().stream()).distinct().toList());
    }

    @Provide
    Arbitrary<List<JsonNode>> schemaBodies() {
        return Combinators.combine(withBody.stream().map(o -> FuzzValues.body(o.bodySchema())).toList()).as(List::copyOf);
    }

    @Provide
    Arbitrary<byte[]> malformed() {
        return FuzzValues.malformedBodies();
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return FuzzValues.contentTypes();
    }

    @Provide
    Arbitrary<byte[]> nonObjects() {
        return FuzzValues.nonObjectBodies();
    }

    /** The request target of {@code operation} with every path parameter set to {@code segment} (wire form). */
    private static String target(OpenApiOperations.Operation operation, String segment) {
        Matcher parameter = PARAMETER.matcher(operation.path());
        return parameter.replaceAll(Matcher.quoteReplacement(segment));
    }

    private static RawHttp.Answer call(String property, List<String> failures, OpenApiOperations.Operation operation,
                                       String target, String contentType, byte[] body) throws IOException {
        RawHttp.Answer answer = http.send(operation.method(), target, server.adminToken(), contentType, body);
        synchronized (statuses) {
            statuses.computeIfAbsent(property, p -> new TreeMap<>()).merge(answer.status(), 1, Integer::sum);
        }
        if (answer.status() >= 500 || answer.status() <= 0) {
            String sent = body == null ? "no body" : body.length > 200 ? body.length + " bytes"
                    : new String(body, StandardCharsets.UTF_8);
            failures.add(operation.name() + " as " + operation.method() + " " + abbreviate(target) + " [" + contentType
                    + "] " + abbreviate(sent) + " -> " + answer.summary());
        }
        return answer;
    }

    /** Fails with every 5xx of the round; and the server must still answer normally. */
    private static void assertNoServerError(List<String> failures) throws Exception {
        TestServer.Answer after = server.admin("GET", "/api/v1/vaults", null);
        assertEquals(200, after.status(), "the server answers after the round: " + after.text());
        assertFalse(!failures.isEmpty(), failures.size() + " answers were server errors:\n" + String.join("\n", failures));
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "…(" + text.length() + " chars)" : text;
    }
}

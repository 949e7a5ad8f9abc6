package coffer.server.api;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.api.Endpoint;
import coffer.server.api.Endpoints;
import coffer.server.http.Route;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the real server: each gets a 4xx problem with the stable code and a message naming what
 * was wrong, never a 500; and the OpenAPI document describes exactly the routes the server has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiValidationIT {
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            POST | /api/v1/protections | {"instances": ["a"], "colour": 1}          | 400 | InvalidArgument | colour: unknown field (known: allDisks, disks, instances, vault)
            POST | /api/v1/protections | {"instances": "a"}                         | 400 | InvalidArgument | field 'instances': expected a list
            POST | /api/v1/protections | {"instances": [null]}                      | 400 | InvalidArgument | field 'instances[0]': expected text
            POST | /api/v1/protections | {"instances": []}                          | 400 | InvalidArgument | instances: name at least one instance
            POST | /api/v1/protections | {"instances": ["a"], "allDisks": "yes"}    | 400 | InvalidArgument | field 'allDisks': expected true or false
            POST | /api/v1/protections | {"instances": ["a"], "allDisks": false}    | 400 | InvalidArgument | allDisks=false needs the list of disk targets
            POST | /api/v1/protections | {"instances": ["a"], "disks": ["vda"]}     | 400 | InvalidArgument | give a disk list only with allDisks=false
            POST | /api/v1/protections | {"instances": ["a", "a"]}                  | 400 | InvalidArgument | an instance is named twice
            POST | /api/v1/protections | {"instances": ["a"], "vault": "nope"}      | 400 | InvalidArgument | vault: no vault named 'nope'
            POST | /api/v1/protections | {"instances": ["no-such-domain-x"]}        | 404 | InstanceNotFound | no instance named no-such-domain-x
            POST | /api/v1/protections | {"instances": [                            | 400 | InvalidArgument | not valid JSON
            POST | /api/v1/protections | [1, 2]                                     | 400 | InvalidArgument | request body: expected a JSON object, got an array
            POST | /api/v1/tokens      | {"name": "x"}                              | 400 | InvalidArgument | role: required
            POST | /api/v1/tokens      | {"name": "x", "role": "root"}              | 400 | InvalidArgument | role: must be one of admin, operator, viewer, agent, got 'root'
            POST | /api/v1/tokens      | {"name": "", "role": "viewer"}             | 400 | InvalidArgument | name: 1 to 64 letters
            POST | /api/v1/tokens      | {"name": 5, "role": "viewer"}              | 400 | InvalidArgument | field 'name': expected text
            POST | /api/v1/instances/no-such-domain-x/backups | {}                  | 404 | InstanceNotFound | no instance 'no-such-domain-x'
            POST | /api/v1/points/p1/restore-disk | {"disk": "vda", "inPlace": true} | 404 | PointNotFound | no point 'p1'
            POST | /api/v1/points/p1/restore-disk | {"disk": "vda"}                  | 400 | InvalidArgument | give exactly one of 'to' (a new file) and 'inPlace': true
            POST | /api/v1/points/p1/restore-disk | {"disk": "vda", "to": "/x.raw", "full": true} | 400 | InvalidArgument | full: only an in-place restore can write less than the whole disk
            POST | /api/v1/points/p1/restore-instance | {"name": "c", "full": true}  | 400 | InvalidArgument | full: only an in-place restore can write less than the whole disks
            POST | /api/v1/instances/x/backups | {"instance": "y"}                  | 400 | InvalidArgument | field 'instance' is given by the path
            POST | /api/v1/instances/x/backups | {"plan": {"id": "p", "policy": "q", "slot": "s", "coalesced": 0}} | 400 | InvalidArgument | plan: set by a plan's run only
            GET  | /api/v1/jobs?colour=red     |                                    | 400 | InvalidArgument | unknown query parameter 'colour'
            GET  | /api/v1/jobs?state=sleeping |                                    | 400 | InvalidArgument | state: one of [queued, running, succeeded, failed, cancelled], got 'sleeping'
            GET  | /api/v1/jobs?limit=0        |                                    | 400 | InvalidArgument | limit: a whole number from 1 to 1000, got '0'
            GET  | /api/v1/jobs?limit=many     |                                    | 400 | InvalidArgument | limit: expected a whole number, got 'many'
            GET  | /api/v1/jobs/j-none         |                                    | 404 | JobNotFound | no job 'j-none'
            POST | /api/v1/jobs/j-none/cancel  |                                    | 404 | JobNotFound | no job 'j-none'
            GET  | /api/v1/instances?protected=maybe |                              | 400 | InvalidArgument | protected: true or false, got 'maybe'
            DELETE | /api/v1/protections/no-such-domain-x |                         | 404 | InstanceNotFound | no instance 'no-such-domain-x'
            DELETE | /api/v1/tokens/t-none     |                                    | 404 | ResourceNotFound | no live token with id 't-none'
            GET  | /api/v1/nothing-here        |                                    | 404 | ResourceNotFound | no endpoint GET /api/v1/nothing-here
            PUT  | /api/v1/jobs                | {}                                 | 404 | ResourceNotFound | no endpoint PUT /api/v1/jobs
            """)
    void badInputIsNamed(String method, String path, String body, int status, String code, String message) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(status, answer.status(), answer.text());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        assertEquals(code, answer.code(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains(message), answer.text());
        assertTrue(!answer.body().path("remedy").asText().isBlank(), answer.text());
    }

    /** Issue 15, defect 5: JSON null, an array or a number as the body was a 500 on ten endpoints. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"null", "[]", "[{}]", "7", "\"text\"", "true"})
    void anyBodyButAnObjectIsA400NamingWhatItWasOnEveryEndpointThatTakesOne(String body) throws Exception {
        List<String> failures = new java.util.ArrayList<>();
        for (Endpoint endpoint : Endpoints.ALL) {
            if (!endpoint.hasBody()) {
                continue;
            }
            String path = endpoint.path().replaceAll("\\{[A-Za-z]+}", "no-such-id");
            TestServer.Answer answer = server.call(endpoint.method(), path, server.tokenFor(endpoint.role()), body);
            if (answer.status() != 400 || !"InvalidArgument".equals(answer.code())
                    || !answer.body().path("detail").asText().contains("request body: expected a JSON object, got ")) {
                failures.add(endpoint.method() + " " + endpoint.path() + ": " + answer.status() + " " + answer.text());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml"})
    void aBodyOfAnotherMediaTypeIsA415(String type) throws Exception {
        for (Endpoint endpoint : Endpoints.ALL) {
            if (!endpoint.hasBody()) {
                continue;
            }
            String path = endpoint.path().replaceAll("\\{[A-Za-z]+}", "no-such-id");
            TestServer.Answer answer = server.call(endpoint.method(), path, server.tokenFor(endpoint.role()), "{}", type);
            assertEquals(415, answer.status(), endpoint + ": " + answer.text());
            assertEquals("UnsupportedMediaType", answer.code(), answer.text());
            assertTrue(answer.body().path("detail").asText().contains(type), answer.text());
        }
        assertEquals(200, server.call("POST", "/api/v1/retention/sweep", server.adminToken(), "{}",
                "application/json; charset=utf-8").status(), "a charset is fine");
        assertEquals(200, server.call("POST", "/api/v1/retention/sweep", server.adminToken(), null, null).status(),
                "no body needs no type");
    }

    @Test
    void aHundredInstancesInOneRequestAreRefused() throws Exception {
        String names = IntStream.range(0, 100).mapToObj(i -> "\"vm" + i + "\"").collect(Collectors.joining(","));
        TestServer.Answer answer = server.admin("POST", "/api/v1/protections", "{\"instances\": [" + names + "]}");
        assertEquals(400, answer.status(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains("at most 99 instances per request, got 100"), answer.text());
    }

    @Test
    void backupOptionsAreChecked() throws Exception {
        // the retention check comes before the instance lookup does not matter: both name the problem
        TestServer.Answer answer = server.admin("POST", "/api/v1/instances/no-such-domain-x/backups", "{\"retentionDays\": \"3\"}");
        assertEquals(400, answer.status(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains("field 'retentionDays': expected a whole number"), answer.text());
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheServersRoutes() throws Exception {
        TestServer.Answer answer = server.admin("GET", "/api/v1/openapi.json", null);
        assertEquals(200, answer.status());
        JsonNode paths = answer.body().path("paths");
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                String role = path.getValue().path(method).path("x-coffer-role").asText();
                documented.add(method.toUpperCase() + " " + path.getKey() + " " + role);
            }
        }
        Set<String> served = new HashSet<>();
        for (Route route : server.server().routes()) {
            served.add(route.method() + " " + route.path() + " " + route.role());
        }
        assertEquals(served, documented);
    }

    @Test
    void metricsAreServedInTheTextFormat() throws Exception {
        TestServer.Answer answer = server.admin("GET", "/metrics", null);
        assertEquals(200, answer.status());
        assertTrue(answer.text().contains("coffer_jobs{state=\"queued\",type=\"backup\"}"), answer.text());
        assertTrue(answer.text().contains("coffer_bytes_backed_up_total"), answer.text());
        assertTrue(answer.text().contains("coffer_vault_stored_bytes"), answer.text());
    }
}

package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.TestDatabase;
import coffer.testing.MutableClock;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application-consistency settings through the API: a policy stores and shows them and its plan's backup
 * jobs carry them; a manual backup takes them, validated, and hands them to its job in one normalised form.
 * Catalog instances stand in for domains (the job's effect on a real domain: JobHandlersIT).
 */
class AppConsistencyApiIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final String POLICY = "{\"name\": \"app\", \"schedule\": \"I|" + T0.getEpochSecond()
            + "|PT1H\", \"retention\": {\"keepFor\": \"1d\"}, \"appConsistent\": %s}";

    @TempDir Path dir;
    TestServer server;
    Catalog catalog;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()), new MutableClock(T0.minusSeconds(60)));
        catalog = server.server().catalog();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-app-web", "local", "app-web", "running", List.of(), T0, false)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode ok(int status, String method, String path, String body) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(status, answer.status(), method + " " + path + ": " + answer.text());
        return answer.body();
    }

    private void refused(String detail, String method, String path, String body) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(400, answer.status(), answer.text());
        assertEquals("InvalidArgument", answer.code(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains(detail), answer.text());
    }

    @Test
    void aPolicysSettingsAreStoredShownAndPassedToItsPlansBackupJobs() throws Exception {
        JsonNode policy = ok(201, "POST", "/api/v1/policies", POLICY.formatted("{\"freezeFileSystems\": false, \"scriptTimeoutSeconds\": 20}"));
        assertEquals("{\"freezeFileSystems\":false,\"includeWriters\":true,\"scriptTimeoutSeconds\":20}",
                policy.path("appConsistent").toString());
        assertEquals(policy.path("appConsistent"), ok(200, "GET", "/api/v1/policies/app", null).path("appConsistent"));

        String plan = ok(201, "POST", "/api/v1/plans", "{\"policy\": \"app\", \"instances\": [\"app-web\"]}")
                .path("plans").get(0).path("id").asText();
        JsonNode job = ok(202, "POST", "/api/v1/plans/" + plan + "/run", null);
        catalog.jobs().cancel(job.path("id").asText());
        assertEquals(policy.path("appConsistent"), job.path("params").path("appConsistent"), job.toString());

        JsonNode crash = ok(200, "PUT", "/api/v1/policies/app", POLICY.formatted("false"));
        assertEquals("false", crash.path("appConsistent").toString());
        JsonNode next = ok(202, "POST", "/api/v1/plans/" + plan + "/run", null);
        catalog.jobs().cancel(next.path("id").asText());
        assertEquals("false", next.path("params").path("appConsistent").toString());
    }

    @Test
    void aPolicyWithoutTheSettingIsCrashConsistent() throws Exception {
        JsonNode policy = ok(201, "POST", "/api/v1/policies", POLICY.replace(", \"appConsistent\": %s", ""));
        assertEquals("false", policy.path("appConsistent").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            not a boolean  # "on"                             # appConsistent: expected true, false or
            unknown option # {"writers": true}                # appConsistent.writers: unknown field
            zero timeout   # {"scriptTimeoutSeconds": 0}      # appConsistent.scriptTimeoutSeconds: expected a whole number of seconds from 1 to 3600, got 0
            """)
    void badSettingsAreRefusedNamingTheField(String what, String value, String detail) throws Exception {
        refused(detail, "POST", "/api/v1/policies", POLICY.formatted(value));
        refused(detail, "POST", "/api/v1/instances/app-web/backups", "{\"appConsistent\": " + value + "}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            absent      #                                                  # false
            off         # , "appConsistent": false                         # false
            defaults    # , "appConsistent": true                          # {"freezeFileSystems":true,"includeWriters":true,"scriptTimeoutSeconds":60}
            no freeze   # , "appConsistent": {"freezeFileSystems": false}  # {"freezeFileSystems":false,"includeWriters":true,"scriptTimeoutSeconds":60}
            no writers  # , "appConsistent": {"includeWriters": false, "scriptTimeoutSeconds": 5} # {"freezeFileSystems":true,"includeWriters":false,"scriptTimeoutSeconds":5}
            """)
    void aManualBackupHandsItsSettingsToTheJobInOneForm(String what, String field, String params) throws Exception {
        JsonNode job = ok(202, "POST", "/api/v1/instances/app-web/backups", "{\"retentionDays\": 1" + (field == null ? "" : field) + "}");
        catalog.jobs().cancel(job.path("id").asText());
        assertEquals(params, job.path("params").path("appConsistent").toString(), job.toString());
    }
}

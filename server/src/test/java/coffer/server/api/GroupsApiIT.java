package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.TestDatabase;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consistency groups through the API on catalog instances: create (one host, validated), list, show, delete;
 * group backup, clone and restore queue their jobs with normalised parameters on the group's host; group points
 * list their members and windows. The jobs' effect on real guests: GroupBackupServerIT.
 */
class GroupsApiIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir Path dir;
    TestServer server;
    Catalog catalog;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
        catalog = server.server().catalog();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
        catalog.instances().refresh("local", List.of(
                new Instance("u-db", "local", "grp-db", "running", List.of(), T0, false),
                new Instance("u-web", "local", "grp-web", "running", List.of(), T0, false)));
        catalog.instances().refresh("other", List.of(new Instance("u-far", "other", "grp-far", "running", List.of(), T0, false)));
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

    private void problem(int status, String code, String detail, String method, String path, String body) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(status, answer.status(), answer.text());
        assertEquals(code, answer.code(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains(detail), answer.text());
    }

    @Test
    void aGroupIsCreatedListedShownAndDeleted() throws Exception {
        JsonNode group = ok(201, "POST", "/api/v1/groups", "{\"name\": \"shop\", \"instances\": [\"grp-db\", \"grp-web\"]}");
        assertEquals("local", group.path("host").asText());
        assertEquals("grp-db", group.path("instances").get(0).path("name").asText());
        assertEquals("u-web", group.path("instances").get(1).path("id").asText());
        problem(409, "NameTaken", "'shop'", "POST", "/api/v1/groups", "{\"name\": \"shop\", \"instances\": [\"grp-db\"]}");
        assertEquals(1, ok(200, "GET", "/api/v1/groups", null).path("count").asInt());
        assertEquals(group.path("id"), ok(200, "GET", "/api/v1/groups/shop", null).path("id"));
        assertEquals(group.path("id"), ok(200, "DELETE", "/api/v1/groups/" + group.path("id").asText(), null).path("deleted"));
        problem(404, "ResourceNotFound", "no consistency group 'shop'", "GET", "/api/v1/groups/shop", null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            two hosts     # {"name": "g", "instances": ["grp-db", "grp-far"]}   # 400 # InvalidArgument  # must share one host
            twice         # {"name": "g", "instances": ["grp-db", "grp-db"]}    # 400 # InvalidArgument  # named twice
            no instances  # {"name": "g", "instances": []}                      # 400 # InvalidArgument  # instances: name the group's instances
            bad name      # {"name": "a b", "instances": ["grp-db"]}            # 400 # InvalidArgument  # name: 1 to 64 letters
            unknown       # {"name": "g", "instances": ["nope"]}                # 404 # InstanceNotFound # no instance 'nope'
            """)
    void badGroupsAreRefusedNamingTheProblem(String what, String body, int status, String code, String detail) throws Exception {
        problem(status, code, detail, "POST", "/api/v1/groups", body);
    }

    @Test
    void groupJobsAreQueuedOnTheGroupsHostWithTheirSettings() throws Exception {
        String id = ok(201, "POST", "/api/v1/groups", "{\"name\": \"shop\", \"instances\": [\"grp-db\", \"grp-web\"]}").path("id").asText();
        JsonNode backup = ok(202, "POST", "/api/v1/groups/shop/backups",
                "{\"retentionDays\": 3, \"appConsistent\": {\"freezeFileSystems\": false}}");
        catalog.jobs().cancel(backup.path("id").asText());
        assertEquals("group_backup", backup.path("type").asText());
        assertEquals(id, backup.path("target").asText());
        assertEquals(3, backup.path("params").path("retentionDays").asInt());
        assertEquals("{\"freezeFileSystems\":false,\"includeWriters\":true,\"scriptTimeoutSeconds\":60}",
                backup.path("params").path("appConsistent").toString());
        problem(400, "InvalidArgument", "appConsistent.scriptTimeoutSeconds", "POST", "/api/v1/groups/shop/backups",
                "{\"appConsistent\": {\"scriptTimeoutSeconds\": -1}}");

        JsonNode clone = ok(202, "POST", "/api/v1/groups/shop/clone", "{\"suffix\": \"-copy\"}");
        catalog.jobs().cancel(clone.path("id").asText());
        assertEquals("group_clone", clone.path("type").asText());
        assertEquals("false", clone.path("params").path("appConsistent").toString());
        problem(400, "InvalidArgument", "suffix: 1 to 32", "POST", "/api/v1/groups/shop/clone", "{\"suffix\": \"a/b\"}");
    }

    @Test
    void groupPointsListTheirMembersAndWindowsAndRestoreQueuesAJob() throws Exception {
        String id = ok(201, "POST", "/api/v1/groups", "{\"name\": \"shop\", \"instances\": [\"grp-db\", \"grp-web\"]}").path("id").asText();
        catalog.groups().recordPoint(new GroupPointRecord("gp-1", id, "shop", "default", T0, "application", 12L, 34L, null,
                List.of("u-db", "u-web"), List.of("p-db", "p-web")));
        JsonNode points = ok(200, "GET", "/api/v1/groups/shop/points", null);
        assertEquals(1, points.path("count").asInt());
        JsonNode point = points.path("points").get(0);
        assertEquals(T0.toString(), point.path("instant").asText());
        assertEquals(12, point.path("pauseMillis").asInt());
        assertEquals(34, point.path("freezeMillis").asInt());
        assertEquals("p-web", point.path("members").get(1).path("point").asText());
        assertFalse(point.path("complete").asBoolean(), "the member points are not in the catalog: " + point);

        JsonNode restore = ok(202, "POST", "/api/v1/group-points/gp-1/restore", "{\"suffix\": \"-r\", \"start\": true}");
        catalog.jobs().cancel(restore.path("id").asText());
        assertEquals("group_restore", restore.path("type").asText());
        assertEquals("gp-1", restore.path("target").asText());
        problem(400, "InvalidArgument", "exactly one of 'suffix'", "POST", "/api/v1/group-points/gp-1/restore",
                "{\"suffix\": \"-r\", \"inPlace\": true}");
        problem(404, "PointNotFound", "no group point 'gp-2'", "POST", "/api/v1/group-points/gp-2/restore", "{\"inPlace\": true}");

        ok(200, "DELETE", "/api/v1/groups/shop", null);
        assertTrue(catalog.groups().findPoint("gp-1").isPresent(), "deleting a group keeps its group points");
    }
}

package coffer.cli;

import coffer.engine.instance.TestDomain;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI as the server's client for application-consistency settings and consistency groups, on no-OS
 * libvirt domains: a policy with the options, a manual backup with --app-consistent --no-freeze (now taken
 * by the server; CRASH with "no guest agent"), and a group created, backed up, listed, restored and deleted.
 */
class GroupCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    LocalServer server;
    final List<TestDomain> domains = new ArrayList<>();
    final List<String> restored = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        TestDomain.requireLibvirt();
        server = LocalServer.start(dir);
        for (int i = 0; i < 2; i++) {
            domains.add(TestDomain.create(dir, Map.of("vda", "qcow2"), 8));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (String name : restored) {
            try {
                TestDomain.virsh("undefine", name, "--checkpoints-metadata");
            } catch (RuntimeException ignored) {
                // best effort: the domains below must still go
            }
        }
        domains.forEach(TestDomain::close);
        if (server != null) {
            server.close();
        }
    }

    private CliRun cli(String... args) {
        return server.cli(args);
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }

    @Test
    void policiesAndServerBackupsTakeTheAppConsistencyOptions() throws Exception {
        JsonNode policy = json(cli("policy", "create", "app", "--schedule", "I|1631685600|P1D", "--keep", "7d",
                "--app-consistent", "--no-freeze", "--script-timeout", "20s", "--output", "json").ok());
        assertEquals("{\"freezeFileSystems\":false,\"includeWriters\":true,\"scriptTimeoutSeconds\":20}",
                policy.path("appConsistent").toString());
        JsonNode edited = json(cli("policy", "edit", "app", "--crash-consistent", "--output", "json").ok());
        assertEquals("false", edited.path("appConsistent").toString());
        cli("policy", "create", "bad", "--schedule", "I|1631685600|P1D", "--keep", "7d", "--app-consistent",
                "--script-timeout", "1500ms").fails(2, "InvalidArgument");

        JsonNode job = json(cli("backup", domains.getFirst().name, "--app-consistent", "--no-freeze", "--wait",
                "--output", "json").ok());
        assertEquals("CRASH", job.path("consistency").asText(), job.toString());
        assertTrue(job.path("consistencyReason").asText().startsWith("no guest agent"), job.toString());
        JsonNode params = json(cli("job", "list", "--type", "backup", "--output", "json").ok()).path("jobs").get(0).path("params");
        assertEquals("{\"freezeFileSystems\":false,\"includeWriters\":true,\"scriptTimeoutSeconds\":60}",
                params.path("appConsistent").toString());
    }

    @Test
    void aGroupIsCreatedBackedUpListedRestoredAndDeletedThroughTheServer() throws Exception {
        String a = domains.get(0).name;
        String b = domains.get(1).name;
        JsonNode group = json(cli("group", "create", "shop", "--instances", a + "," + b, "--output", "json").ok());
        assertEquals(List.of(a, b), group.path("instances").findValuesAsText("name"));
        assertTrue(cli("group", "list").ok().out().contains("shop"));
        cli("group", "backup", "shop", "--instances", a).fails(2, "InvalidArgument");

        JsonNode backup = json(cli("group", "backup", "shop", "--retention-days", "1", "--wait", "--output", "json").ok());
        String groupPoint = backup.path("groupPoint").asText();
        assertEquals("crash", backup.path("mode").asText(), backup.toString());

        JsonNode points = json(cli("group", "points", "shop", "--output", "json").ok()).path("points");
        assertEquals(1, points.size(), points.toString());
        assertEquals(groupPoint, points.get(0).path("id").asText());
        assertTrue(points.get(0).path("complete").asBoolean(), points.toString());
        assertEquals(List.of(a, b), points.get(0).path("members").findValuesAsText("instanceName"));

        restored.addAll(List.of(a + "-r", b + "-r"));
        JsonNode restore = json(cli("group", "restore", groupPoint, "--suffix", "-r", "--wait", "--output", "json").ok());
        assertEquals(List.of(a + "-r", b + "-r"), restore.path("instances").findValuesAsText("name"));
        assertTrue(TestDomain.virsh("dominfo", a + "-r").contains(a + "-r"));

        cli("group", "delete", "shop").ok();
        cli("group", "show", "shop").fails(4, "ResourceNotFound");
    }
}

package coffer.server.api;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent token acts for one host (docs/design/agents.md, "Tokens bound to a host"), through a real server on SQLite
 * and PostgreSQL, the agents played by the test: a token made without a host (as every token before catalog V26) is
 * bound by its first announce; a second token cannot announce as, claim for, heart-beat for, report or end the jobs of,
 * or adopt a point for the first one's host (403 Forbidden naming both hosts), and the job is left as it was; its own
 * host works; a token made with a host acts for that one only, and a host bound to a live token cannot be given to
 * another; revoking a token frees its host for a new token.
 */
class AgentTokenHostIT {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentTokenActsForItsHostOnly(String database) throws Exception {
        try (TestDatabase db = TestServer.database(database, dir);
             TestServer server = TestServer.start(TestServer.config(dir, db.config()))) {
            String me = InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
            String agentA = me + ":aaaa";
            String agentB = me + ":bbbb";
            JsonNode a = create(server, "{\"name\": \"agent-a\", \"role\": \"agent\"}");
            JsonNode b = create(server, "{\"name\": \"agent-b\", \"role\": \"agent\"}");
            String tokenA = a.path("secret").asText();
            String tokenB = b.path("secret").asText();
            assertTrue(a.path("token").path("host").isNull(), a.toString());

            // the first announce binds a token made without a host
            TestServer.Answer welcome = announce(server, tokenA, "host-a", agentA, "vm-on-a");
            assertEquals(200, welcome.status(), welcome.text());
            assertEquals("host-a", hostOf(server, "agent-a"));

            // a second token cannot take the host, and is then bound to its own by its own announce
            assertRefused(announce(server, tokenB, "host-a", agentB, null), "agent-b", "host-a");
            assertEquals(200, announce(server, tokenB, "host-b", agentB, null).status());
            assertEquals("host-b", hostOf(server, "agent-b"));
            assertRefused(announce(server, tokenB, "host-a", agentB, null), "acts for host 'host-b' only", "host 'host-a'");
            // nor announce the other host's agent for its own host (its heartbeats would answer for that agent's jobs)
            assertRefused(announce(server, tokenB, "host-b", agentA, null), "agent-b", "host-a");

            String job = server.admin("POST", "/api/v1/instances/vm-on-a/backups", "{}").body().path("id").asText();
            assertRefused(server.call("POST", "/api/v1/agent/claims", tokenB,
                    "{\"host\": \"host-a\", \"agent\": \"" + agentA + "\", \"perHostLimit\": 2}"), "host-b", "host-a");
            TestServer.Answer claim = server.call("POST", "/api/v1/agent/claims", tokenA,
                    "{\"host\": \"host-a\", \"agent\": \"" + agentA + "\", \"perHostLimit\": 2}");
            assertEquals(job, claim.body().path("job").path("id").asText(), claim.text());

            assertRefused(server.call("POST", "/api/v1/agent/heartbeats", tokenB,
                    "{\"host\": \"host-a\", \"agent\": \"" + agentA + "\", \"running\": []}"), "host-b", "host-a");
            assertRefused(server.call("POST", "/api/v1/agent/jobs/" + job + "/report", tokenB,
                    "{\"agent\": \"" + agentA + "\", \"level\": \"info\", \"message\": \"forged line\"}"), "host-b", "host-a");
            assertRefused(server.call("POST", "/api/v1/agent/jobs/" + job + "/interrupted-point", tokenB,
                    "{\"agent\": \"" + agentA + "\"}"), "host-b", "host-a");
            assertRefused(server.call("POST", "/api/v1/agent/jobs/" + job + "/finish", tokenB, """
                    {"agent": "%s", "state": "succeeded", "result": {}, "points": []}""".formatted(agentA)),
                    "host-b", "host-a");
            JsonNode untouched = server.admin("GET", "/api/v1/jobs/" + job, null).body();
            assertEquals("running", untouched.path("state").asText(), untouched.toString());
            assertFalse(server.admin("GET", "/api/v1/jobs/" + job + "/log", null).text().contains("forged line"));

            // the host's own token works
            assertEquals(200, server.call("POST", "/api/v1/agent/heartbeats", tokenA,
                    "{\"host\": \"host-a\", \"agent\": \"" + agentA + "\", \"running\": [\"" + job + "\"]}").status());
            assertTrue(server.call("POST", "/api/v1/agent/jobs/" + job + "/report", tokenA,
                    "{\"agent\": \"" + agentA + "\", \"level\": \"info\", \"message\": \"own line\"}").body()
                    .path("accepted").asBoolean());
            TestServer.Answer end = server.call("POST", "/api/v1/agent/jobs/" + job + "/finish", tokenA, """
                    {"agent": "%s", "state": "failed", "errorCode": "Internal", "errorMessage": "ended by the test",
                     "points": []}""".formatted(agentA));
            assertTrue(end.body().path("accepted").asBoolean(), end.text());
            assertEquals("failed", server.admin("GET", "/api/v1/jobs/" + job, null).body().path("state").asText());

            // a token made for a host acts for it only; a host bound to a live token is not given to another
            JsonNode c = create(server, "{\"name\": \"agent-c\", \"role\": \"agent\", \"host\": \"host-c\"}");
            assertEquals("host-c", c.path("token").path("host").asText(), c.toString());
            assertRefused(announce(server, c.path("secret").asText(), "host-a", me + ":cccc", null), "host-c", "host-a");
            TestServer.Answer taken = server.admin("POST", "/api/v1/tokens",
                    "{\"name\": \"agent-d\", \"role\": \"agent\", \"host\": \"host-b\"}");
            assertEquals(409, taken.status(), taken.text());
            assertEquals("NameTaken", taken.code(), taken.text());
            assertTrue(taken.text().contains("agent-b"), taken.text());
            TestServer.Answer notAgent = server.admin("POST", "/api/v1/tokens",
                    "{\"name\": \"viewer-e\", \"role\": \"viewer\", \"host\": \"host-e\"}");
            assertEquals("InvalidArgument", notAgent.code(), notAgent.text());

            // revoking a token ends its binding: a new token takes the host
            assertEquals(200, server.admin("DELETE", "/api/v1/tokens/" + a.path("token").path("id").asText(), null).status());
            JsonNode f = create(server, "{\"name\": \"agent-f\", \"role\": \"agent\"}");
            String agentF = me + ":ffff";
            assertEquals(200, announce(server, f.path("secret").asText(), "host-a", agentF, "vm-on-a").status());
            assertEquals("host-a", hostOf(server, "agent-f"));
            assertEquals(200, server.call("POST", "/api/v1/agent/heartbeats", f.path("secret").asText(),
                    "{\"host\": \"host-a\", \"agent\": \"" + agentF + "\", \"running\": []}").status());
        }
    }

    private static JsonNode create(TestServer server, String body) throws Exception {
        TestServer.Answer created = server.admin("POST", "/api/v1/tokens", body);
        assertEquals(201, created.status(), created.text());
        return created.body();
    }

    private static String hostOf(TestServer server, String name) throws Exception {
        for (JsonNode token : server.admin("GET", "/api/v1/tokens", null).body().path("tokens")) {
            if (token.path("name").asText().equals(name) && token.path("revokedAt").isNull()) {
                return token.path("host").isNull() ? null : token.path("host").asText();
            }
        }
        throw new AssertionError("no live token " + name);
    }

    private static TestServer.Answer announce(TestServer server, String token, String host, String agent, String vm)
            throws Exception {
        String instances = vm == null ? "[]" : """
                [{"id": "4f6b9a1e-0000-4000-8000-0000000000a1", "hostId": "%s", "name": "%s", "state": "SHUTOFF",
                  "disks": [], "refreshedAt": "%s", "gone": false}]""".formatted(host, vm, Instant.now());
        return server.call("POST", "/api/v1/agent/announce", token, """
                {"host": "%s", "uri": "qemu:///system", "agent": "%s", "version": "%s", "protocol": %d, "instances": %s}"""
                .formatted(host, agent, AgentProtocol.VERSION, AgentProtocol.PROTOCOL, instances));
    }

    /** 403 Forbidden, its message naming what it must. */
    private static void assertRefused(TestServer.Answer answer, String... named) {
        assertEquals(403, answer.status(), answer.text());
        assertEquals("Forbidden", answer.code(), answer.text());
        for (String name : named) {
            assertTrue(answer.text().contains(name), "'" + name + "' in " + answer.text());
        }
    }
}

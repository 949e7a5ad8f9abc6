package coffer.server.api;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.auth.Role;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent protocol through a real server, its agent side played by the test (no libvirt): an announced instance is
 * the server's; a claim answers the job with the rows its handler reads; reports reach the job's log and progress; an
 * agent whose process is gone has its job failed WorkerLost by the server, after which its end is not taken; another
 * agent announcing the host takes it over and the first one's heartbeats are refused.
 */
class AgentApiIT {
    @TempDir Path dir;
    TestServer server;
    /** The lost agent's process while it is alive (a {@code sleep} the test ends). */
    Process agentProcess;

    @AfterEach
    void stop() {
        if (agentProcess != null) {
            agentProcess.destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aClaimCarriesItsRowsReportsReachTheJobAndALostAgentsEndIsNotTaken() throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
        String agentToken = server.tokenFor(Role.agent);
        // a worker id of this machine naming a process the test ends when the agent is to be lost (the server's runner
        // then finds it dead at once): until then its claim, reports and asks are an agent's alive, however slowly
        // they are answered under load
        agentProcess = new ProcessBuilder("sleep", "600").start();
        String dead = InetAddress.getLocalHost().getHostName() + ":" + agentProcess.pid() + ":0a0b";
        String instance = "4f6b9a1e-0000-4000-8000-00000000a9e1";
        TestServer.Answer welcome = server.call("POST", "/api/v1/agent/announce", agentToken, """
                {"host": "local", "uri": "qemu:///system", "agent": "%s", "version": "%s", "protocol": %d,
                 "instances": [{"id": "%s", "hostId": "local", "name": "agent-api-vm", "state": "SHUTOFF", "disks": [],
                                "refreshedAt": "%s", "gone": false}]}"""
                .formatted(dead, AgentProtocol.VERSION, AgentProtocol.PROTOCOL, instance, Instant.now()));
        assertEquals(200, welcome.status(), welcome.text());
        assertEquals(AgentProtocol.VERSION, welcome.body().path("version").asText());
        assertEquals(200, server.admin("GET", "/api/v1/instances/agent-api-vm", null).status(), "the announced instance");

        TestServer.Answer queued = server.admin("POST", "/api/v1/instances/agent-api-vm/backups", "{}");
        assertEquals(202, queued.status(), queued.text());
        String job = queued.body().path("id").asText();
        TestServer.Answer claim = server.call("POST", "/api/v1/agent/claims", agentToken,
                "{\"host\": \"local\", \"agent\": \"" + dead + "\", \"perHostLimit\": 2}");
        assertEquals(200, claim.status(), claim.text());
        assertEquals(job, claim.body().path("job").path("id").asText(), claim.text());
        assertEquals(instance, claim.body().path("rows").path("instances").path(0).path("id").asText(), claim.text());
        assertEquals("local", claim.body().path("rows").path("host").path("id").asText(), claim.text());

        TestServer.Answer report = server.call("POST", "/api/v1/agent/jobs/" + job + "/report", agentToken, """
                {"agent": "%s", "level": "info", "message": "reading vda", "bytesDone": 10, "bytesTotal": 100,
                 "bytesPerSecond": 5, "etaSeconds": 18}""".formatted(dead));
        assertTrue(report.body().path("accepted").asBoolean(), report.text());
        JsonNode shown = server.admin("GET", "/api/v1/jobs/" + job, null).body();
        assertEquals(10, shown.path("progress").path("bytesDone").asLong(), shown.toString());
        assertTrue(server.admin("GET", "/api/v1/jobs/" + job + "/log", null).text().contains("reading vda"));
        // a backup that is no plan's retry: no interrupted run's point (protocol 4, docs/design/catalog.md)
        TestServer.Answer none = server.call("POST", "/api/v1/agent/jobs/" + job + "/interrupted-point", agentToken,
                "{\"agent\": \"" + dead + "\"}");
        assertEquals(200, none.status(), none.text());
        assertTrue(none.body().path("result").isNull() && !none.body().path("adoptedNow").asBoolean(), none.text());

        // the agent's process is gone: the server fails its job WorkerLost, and a late end changes nothing
        agentProcess.destroyForcibly().waitFor();
        JsonNode lost = awaitFinal(job);
        assertEquals("failed", lost.path("state").asText(), lost.toString());
        assertEquals("WorkerLost", lost.path("error").path("code").asText(), lost.toString());
        TestServer.Answer late = server.call("POST", "/api/v1/agent/jobs/" + job + "/finish", agentToken, """
                {"agent": "%s", "state": "succeeded", "result": {}, "points": []}""".formatted(dead));
        assertEquals(200, late.status(), late.text());
        assertFalse(late.body().path("accepted").asBoolean(), late.text());
        assertEquals("WorkerLost", server.admin("GET", "/api/v1/jobs/" + job, null).body().path("error").path("code").asText());
        TestServer.Answer notRunning = server.call("POST", "/api/v1/agent/jobs/" + job + "/interrupted-point", agentToken,
                "{\"agent\": \"" + dead + "\"}");
        assertEquals("InvalidArgument", notRunning.code(), notRunning.text());

        // another agent announces the host (neither names an identity: taken at once): the first one's heartbeats are
        // refused, with the code that stops it (docs/design/agents.md, "One agent per host")
        String next = InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid() + ":0c0d";
        assertEquals(200, server.call("POST", "/api/v1/agent/announce", agentToken, """
                {"host": "local", "uri": "qemu:///system", "agent": "%s", "version": "%s", "protocol": %d, "instances": []}"""
                .formatted(next, AgentProtocol.VERSION, AgentProtocol.PROTOCOL)).status());
        TestServer.Answer refused = server.call("POST", "/api/v1/agent/heartbeats", agentToken,
                "{\"host\": \"local\", \"agent\": \"" + dead + "\", \"running\": []}");
        assertEquals(409, refused.status(), refused.text());
        assertEquals("AgentHostTaken", refused.code(), refused.text());
        assertTrue(refused.text().contains("but by agent " + next), refused.text());

        // a claim is a long poll: it waits on the server and answers with the job queued meanwhile
        java.util.concurrent.CompletableFuture<TestServer.Answer> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return server.call("POST", "/api/v1/agent/claims", agentToken, "{\"host\": \"local\", \"agent\": \""
                                + next + "\", \"perHostLimit\": 2, \"waitSeconds\": 20}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        String queuedMeanwhile = server.admin("POST", "/api/v1/instances/agent-api-vm/backups", "{}").body().path("id").asText();
        TestServer.Answer claimed = waiting.get(2, java.util.concurrent.TimeUnit.MINUTES);
        assertEquals(200, claimed.status(), claimed.text());
        assertEquals(queuedMeanwhile, claimed.body().path("job").path("id").asText(), claimed.text());
        TestServer.Answer tooLong = server.call("POST", "/api/v1/agent/claims", agentToken, "{\"host\": \"local\", \"agent\": \""
                + next + "\", \"perHostLimit\": 2, \"waitSeconds\": 600}");
        assertEquals(400, tooLong.status(), tooLong.text());
        assertTrue(tooLong.text().contains("waitSeconds"), tooLong.text());
    }

    private JsonNode awaitFinal(String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode now = server.admin("GET", "/api/v1/jobs/" + job, null).body();
            if (!now.path("state").asText().equals("running") && !now.path("state").asText().equals("queued")) {
                return now;
            }
            Thread.sleep(200);
        }
        return fail("job " + job + " still running");
    }
}

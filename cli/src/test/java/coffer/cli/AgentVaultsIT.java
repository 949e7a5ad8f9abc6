package coffer.cli;

import coffer.engine.instance.TestDomain;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfigLoader;
import coffer.testing.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent announces only the vaults it can open (docs/design/agents.md "Where the agent writes"), with real
 * components: a server (in this JVM, SQLite) with two vaults, {@code default} and {@code offsite}, and a
 * {@code coffer agent} process serving the host {@code local} (the system libvirtd, a test domain) whose configuration
 * names both, {@code offsite} at a directory not mounted on its host. The agent says it leaves {@code offsite} out; a
 * backup into {@code offsite} runs on a server and succeeds (before, it was placed on the agent and failed
 * {@code StorageFailure}), and restores bit-identically; a backup into {@code default} runs on the agent. (The agent is
 * started by the {@link AgentCluster} fixture.)
 */
class AgentVaultsIT extends WithAgentCluster {
    @Test
    void aVaultNotMountedOnTheAgentsHostIsLeftOutAndItsBackupRunsOnAServer() throws Exception {
        TestDomain.requireLibvirt();
        TestDomain domain = TestDomain.create(Files.createDirectories(dir.resolve("domain")), Map.of("vda", "qcow2"), 256);
        fixture.closeLater(domain);
        Path data = dir.resolve("data");
        Path config = fixture.config("coffer", data, false,
                AgentCluster.encryptedVault("default", data.resolve("vault"), data.resolve("keyring"))
                        + AgentCluster.encryptedVault("offsite", data.resolve("offsite"), data.resolve("keyring")), null, "");
        CofferServer server = CofferServer.start(ServerConfigLoader.load(config, null));
        fixture.closeLater(server);
        String url = server.url();
        String admin = Files.readString(data.resolve("admin.token")).strip();
        Path agentToken = dir.resolve("agent.token");
        Files.writeString(agentToken, server.catalog().tokens().create("agent-1", "agent").secret());
        // the agent's host has the default vault and the key ring, but offsite's directory is not mounted there
        Path unmounted = dir.resolve("mnt-offsite-not-mounted").resolve("offsite");
        Path agentConfig = fixture.config("agent", data, false,
                AgentCluster.encryptedVault("default", data.resolve("vault"), data.resolve("keyring"))
                        + AgentCluster.encryptedVault("offsite", unmounted, data.resolve("keyring")), null, "");

        AgentCluster.Agent agent = fixture.startAgent(url, agentToken, agentConfig);
        AgentCluster.await(() -> agent.output().stream().filter(l -> l.contains("vault 'offsite'") && l.contains("left out")
                && l.contains(unmounted.toString())).findFirst(), "the agent logs that it leaves offsite out, and why: " + agent.output());
        assertFalse(agent.output().stream().anyMatch(l -> l.contains("vault 'default'") && l.contains("left out")),
                agent.output().toString());

        JsonNode offsite = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/instances/" + domain.name + "/backups", admin,
                "{\"vault\": \"offsite\"}"));
        assertEquals("succeeded", offsite.path("state").asText(), offsite + "\nagent output: " + agent.output());
        assertRanOnAServer(url, admin, offsite, agent);
        String point = offsite.path("result").path("point").asText();
        JsonNode shown = fixture.get(url + "/api/v1/points/" + point, admin);
        assertTrue(shown.toString().contains("\"vault\":\"offsite\""), shown.toString());
        Path restored = data.resolve("restores").resolve("offsite.raw");
        JsonNode restore = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/points/" + point + "/restore-disk", admin,
                "{\"disk\": \"vda\", \"to\": \"" + restored + "\", \"format\": \"raw\"}"));
        assertEquals("succeeded", restore.path("state").asText(), restore.toString());
        assertRanOnAServer(url, admin, restore, agent);
        assertEquals(domain.sha("vda"), TestData.sha256(restored), "the point in offsite restores bit-identically");

        JsonNode reached = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/instances/" + domain.name + "/backups", admin,
                "{\"vault\": \"default\"}"));
        assertEquals("succeeded", reached.path("state").asText(), reached + "\nagent output: " + agent.output());
        JsonNode log = fixture.get(url + "/api/v1/jobs/" + reached.path("id").asText() + "/log", admin);
        assertTrue(log.toString().contains("started on worker " + agent.worker()), "ran on the agent: " + log);
        assertFalse(Files.exists(unmounted), "the agent created nothing where the vault is not mounted");
    }

    private void assertRanOnAServer(String url, String admin, JsonNode job, AgentCluster.Agent agent) throws Exception {
        JsonNode log = fixture.get(url + "/api/v1/jobs/" + job.path("id").asText() + "/log", admin);
        assertTrue(log.toString().contains("started on worker "), log.toString());
        assertFalse(log.toString().contains("started on worker " + agent.worker()), "job " + job.path("id").asText()
                + " ran on a server, not on the agent " + agent.worker() + ": " + log);
    }
}

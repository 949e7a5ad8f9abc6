package coffer.cli;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.Hosts;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
import coffer.engine.job.Jobs;
import coffer.engine.operation.BackupInstance;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfigLoader;
import coffer.testing.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21's agents, with real components: a server (in this JVM, SQLite) and {@code coffer agent} as a process of its
 * own serving the host {@code local} (the system libvirtd), a 1 GiB test domain. The agent token works on the agent
 * endpoints only and the others' tokens not there; an agent of another version is refused (AgentVersionMismatch); a
 * backup and a restore run on the agent (their logs name its worker) and the restored disk is bit-identical; a plan's
 * run whose agent is killed (-9) is failed WorkerLost, its retry waits queued for the host's agent (the server's own
 * worker leaves it), and runs when the agent comes back, which has cleaned up what the dead run left on the host;
 * that point restores bit-identically too. Then a second host, an embedded QEMU driver with its own domain (no second
 * daemon can run here: as root, {@code qemu:///session} is the system daemon), gets an agent of its own: two agents on
 * two hosts at once, the second host's backup and restore run by its agent, bit-identical.
 */
class AgentIT extends WithAgentCluster {
    private static final ObjectMapper JSON = AgentCluster.JSON;

    @Test
    void agentRunsItsHostsJobsRefusesOtherVersionsAndItsKilledRunIsLostThenRetriedWhenItReturns() throws Exception {
        TestDomain.requireLibvirt();
        Path domainDir = Files.createDirectories(dir.resolve("domain"));
        TestDomain domain = TestDomain.create(domainDir, Map.of("vda", "qcow2"), 1024);
        fixture.closeLater(domain);
        Path data = dir.resolve("data");
        Path config = fixture.config("coffer", data, false,
                AgentCluster.encryptedVault("default", data.resolve("vault"), data.resolve("keyring")), null, "");
        // the scheduler ticks every 2 s, not 30: the killed run's retry is queued at the next tick
        CofferServer server = ShortPeriods.started("tick=2", () -> CofferServer.start(ServerConfigLoader.load(config, null)));
        fixture.closeLater(server);
        String url = server.url();
        String admin = Files.readString(data.resolve("admin.token")).strip();
        String agentSecret = server.catalog().tokens().create("agent-1", "agent").secret();
        Path agentToken = dir.resolve("agent.token");
        Files.writeString(agentToken, agentSecret);

        // roles: an agent token does agent work only; no other token does agent work
        problem(fixture.call("GET", url + "/api/v1/points", agentSecret, null), 403, "Forbidden");
        problem(fixture.call("POST", url + "/api/v1/instances/" + domain.name + "/backups", agentSecret, "{}"), 403, "Forbidden");
        problem(fixture.call("POST", url + "/api/v1/agent/claims", admin, "{\"host\": \"local\", \"agent\": \"x\", \"perHostLimit\": 1}"),
                403, "Forbidden");
        // another version is refused before anything changes
        HttpResponse<String> old = fixture.call("POST", url + "/api/v1/agent/announce", agentSecret, """
                {"host": "local", "uri": "qemu:///system", "agent": "old:1:ab", "version": "0.0.9", "protocol": %d,
                 "instances": []}""".formatted(AgentProtocol.PROTOCOL));
        problem(old, 409, "AgentVersionMismatch");
        assertTrue(old.body().contains("0.0.9") && old.body().contains(AgentProtocol.VERSION), old.body());
        assertTrue(server.catalog().hosts().agentServed().isEmpty(), "a refused agent serves no host");

        AgentCluster.Agent first = startAgent(url, agentToken, config);
        Hosts.AgentSeen served = server.catalog().hosts().agentServed().getFirst();
        assertEquals("local", served.hostId());
        assertEquals(first.worker(), served.agent());
        JsonNode hosts = fixture.get(url + "/api/v1/hosts", admin);
        assertEquals(first.worker(), hosts.path("agents").path(0).path("agent").asText(), hosts.toString());

        // a plan's run, its agent killed -9 while it runs: WorkerLost, and a retry queued for the host's agent
        CliRun.run(null, "policy", "create", "nightly", "--start", Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                "--every", "P1D", "--keep", "7d", "--url", url, "--token-file", data.resolve("admin.token").toString()).ok();
        CliRun.run(null, "plan", "bind", "nightly", domain.name, "--name", "agent-plan", "--url", url, "--token-file",
                data.resolve("admin.token").toString()).ok();
        String run = fixture.post(url + "/api/v1/plans/agent-plan/run", admin, "{}").path("id").asText();
        // copying: libvirt's backup job runs on the domain (the job's bytes reach the catalog only once a second, and a
        // fast machine can be past its copy by then)
        Job running = AgentCluster.await(() -> server.catalog().jobs().find(run).filter(j -> j.state().name().equals("running")
                        && !TestDomain.virsh("domjobinfo", domain.name).contains("None")), "the plan's run copying on the agent");
        System.out.println("killing the agent -9 with job " + run + " at " + running.bytesDone() + " of "
                + running.bytesTotal() + " bytes");
        first.process().destroyForcibly().waitFor();
        // the kill can land after the copy ended (libvirt's job gone meanwhile): then nothing is left to clean
        boolean leftBehind = !TestDomain.virsh("domjobinfo", domain.name).contains("None");
        System.out.println("a libvirt backup job left behind by the killed agent: " + leftBehind);
        Job lost = AgentCluster.await(() -> server.catalog().jobs().find(run).filter(j -> j.state().isFinal()), "the run ended");
        assertEquals("failed", lost.state().name(), lost.toString());
        assertEquals("WorkerLost", lost.errorCode(), lost.toString());
        Job retry = AgentCluster.await(() -> server.catalog().jobs().list(Jobs.Filter.ALL).stream()
                .filter(j -> j.operation() instanceof BackupInstance b && b.plan() != null && run.equals(b.plan().retryOf()))
                .findFirst(),
                "the run's retry queued");
        assertTrue(server.catalog().jobs().claimNext("server-probe", 2, Instant.now()).isEmpty(),
                "a server's claim leaves the agent's host's job to the agent");
        assertEquals("queued", server.catalog().jobs().find(retry.id()).orElseThrow().state().name());

        AgentCluster.Agent second = startAgent(url, agentToken, config);
        Job again = AgentCluster.await(() -> server.catalog().jobs().find(retry.id()).filter(j -> j.state().isFinal()),
                "the retry ended");
        assertEquals("succeeded", again.state().name(), again + "\nagent output: " + second.output());
        JsonNode retried = fixture.get(url + "/api/v1/jobs/" + retry.id(), admin);
        assertRanOn(url, admin, retried, second);
        if (leftBehind) {
            assertTrue(second.output().stream().anyMatch(l -> l.contains("instance " + domain.name + ": ")),
                    "the restarted agent cleaned up what the killed run left: " + second.output());
        }
        assertTrue(TestDomain.virsh("domjobinfo", domain.name).contains("None"), "no backup job left on the domain");

        Path restoredAgain = data.resolve("restores").resolve("retry.raw");
        JsonNode restoreAgain = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/points/" + again.result().path("point").asText()
                + "/restore-disk", admin, "{\"disk\": \"vda\", \"to\": \"" + restoredAgain + "\", \"format\": \"raw\"}"));
        assertEquals("succeeded", restoreAgain.path("state").asText(), restoreAgain.toString());
        assertEquals(domain.sha("vda"), TestData.sha256(restoredAgain), "the retry's point restores bit-identically");

        // a person's backup (an incremental of what the guest wrote since) and a restore of its disk run on the agent
        domain.write("vda", 700L << 20, 4L << 20, 0x5a);
        JsonNode backup = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/instances/" + domain.name + "/backups", admin, "{}"));
        assertEquals("succeeded", backup.path("state").asText(), backup.toString());
        assertRanOn(url, admin, backup, second);
        String point = backup.path("result").path("point").asText();
        Path restored = data.resolve("restores").resolve("incremental.raw");
        JsonNode restore = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/points/" + point + "/restore-disk", admin,
                "{\"disk\": \"vda\", \"to\": \"" + restored + "\", \"format\": \"raw\"}"));
        assertEquals("succeeded", restore.path("state").asText(), restore.toString());
        assertRanOn(url, admin, restore, second);
        assertEquals(domain.sha("vda"), TestData.sha256(restored), "the restored disk is the backed-up one");

        // a second host: an embedded QEMU driver (its own domains, no daemon) served by a second agent, while the
        // first host's agent runs on; a backup of its shut-off domain and the restore of it run there
        Path embedRoot = dir.resolve("host2-root");
        String host2 = "qemu:///embed?root=" + embedRoot;
        Path disk2 = dir.resolve("host2-vda.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", disk2.toString(), "64M");
        run("qemu-io", "-f", "qcow2", "-c", "write -P 0x3c 1M 8M", "-c", "write -P 0xc3 40M 3M", disk2.toString());
        Path xml2 = dir.resolve("host2.xml");
        String name2 = "coffer-it-h2-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(xml2, """
                <domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
                <os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>
                <driver name='qemu' type='qcow2'/><source file='%s'/><target dev='vda' bus='virtio'/></disk></devices>
                </domain>""".formatted(name2, disk2));
        run("virsh", "-c", host2, "define", xml2.toString());
        String disk2Sha = TestDomain.imageSha(disk2, dir);
        Path agentToken2 = dir.resolve("agent2.token"); // an agent token acts for one host: the second host's own
        Files.writeString(agentToken2, server.catalog().tokens().create("agent-2", "agent").secret());
        AgentCluster.Agent other = fixture.startAgent(url, agentToken2, config, "second", host2, dir.resolve("agent2-data"));
        assertEquals(2, server.catalog().hosts().agentServed().size(), "two hosts, each served by its agent");
        JsonNode backup2 = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/instances/" + name2 + "/backups", admin, "{}"));
        assertEquals("succeeded", backup2.path("state").asText(), backup2 + "\nagent output: " + other.output());
        assertEquals("second", backup2.path("host").asText(), backup2.toString());
        assertRanOn(url, admin, backup2, other);
        Path restored2 = data.resolve("restores").resolve("host2.raw");
        JsonNode restore2 = fixture.awaitEnd(url, admin, fixture.post(url + "/api/v1/points/" + backup2.path("result").path("point").asText()
                + "/restore-disk", admin, "{\"disk\": \"vda\", \"to\": \"" + restored2 + "\", \"format\": \"raw\"}"));
        assertEquals("succeeded", restore2.path("state").asText(), restore2.toString());
        assertRanOn(url, admin, restore2, other);
        assertEquals(disk2Sha, TestData.sha256(restored2), "the second host's disk restores bit-identically");
        assertTrue(second.process().isAlive(), "the first host's agent runs on");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private AgentCluster.Agent startAgent(String url, Path token, Path config) throws IOException {
        return fixture.startAgent(url, token, config, dir.resolve("agent-data"));
    }

    private void assertRanOn(String url, String admin, JsonNode job, AgentCluster.Agent agent) throws Exception {
        assertTrue(fixture.ranOn(url, admin, job.path("id").asText(), agent.worker()), "job " + job.path("id").asText()
                + " ran on the agent " + agent.worker() + ": " + fixture.get(url + "/api/v1/jobs/" + job.path("id").asText()
                + "/log", admin));
    }

    private static void problem(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, JSON.readTree(response.body()).path("code").asText(), response.body());
    }
}

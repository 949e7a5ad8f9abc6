package coffer.cli;

import coffer.engine.instance.TestDomain;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An agent announces only the vaults it can open (docs/design/agents.md "Where the agent writes"), with real
 * components: a server (in this JVM, SQLite) with two vaults, {@code default} and {@code offsite}, and a
 * {@code coffer agent} process serving the host {@code local} (the system libvirtd, a test domain) whose configuration
 * names both, {@code offsite} at a directory not mounted on its host. The agent says it leaves {@code offsite} out; a
 * backup into {@code offsite} runs on a server and succeeds (before, it was placed on the agent and failed
 * {@code StorageFailure}), and restores bit-identically; a backup into {@code default} runs on the agent. (The agent is
 * started as in {@code AgentIT}; its start-up code is copied here.)
 */
class AgentVaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(4);

    @TempDir Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<Process> agents = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        agents.forEach(Process::destroyForcibly);
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the next closes must still run
            }
        }
    }

    @Test
    void aVaultNotMountedOnTheAgentsHostIsLeftOutAndItsBackupRunsOnAServer() throws Exception {
        TestDomain.requireLibvirt();
        TestDomain domain = TestDomain.create(Files.createDirectories(dir.resolve("domain")), Map.of("vda", "qcow2"), 256);
        toClose.add(domain);
        Path data = dir.resolve("data");
        String vaults = """
                vaults:
                  - name: default
                    path: %s
                    keyring: %s
                    encrypted: true
                  - name: offsite
                    path: %s
                    keyring: %s
                    encrypted: true
                hosts:
                  - id: local
                    uri: qemu:///system
                """;
        Path config = dir.resolve("coffer.yaml");
        Files.writeString(config, "dataDir: " + data + "\nlisten: {address: 127.0.0.1, port: 0}\n" + vaults.formatted(
                data.resolve("vault"), data.resolve("keyring"), data.resolve("offsite"), data.resolve("keyring")));
        CofferServer server = CofferServer.start(ServerConfigLoader.load(config, null));
        toClose.add(server);
        String url = server.url();
        String admin = Files.readString(data.resolve("admin.token")).strip();
        Path agentToken = dir.resolve("agent.token");
        Files.writeString(agentToken, server.catalog().tokens().create("agent-1", "agent").secret());
        // the agent's host has the default vault and the key ring, but offsite's directory is not mounted there
        Path unmounted = dir.resolve("mnt-offsite-not-mounted").resolve("offsite");
        Path agentConfig = dir.resolve("agent.yaml");
        Files.writeString(agentConfig, "dataDir: " + data + "\nlisten: {address: 127.0.0.1, port: 0}\n" + vaults.formatted(
                data.resolve("vault"), data.resolve("keyring"), unmounted, data.resolve("keyring")));

        Agent agent = startAgent(url, agentToken, agentConfig);
        awaitTrue(() -> agent.output().stream().anyMatch(l -> l.contains("vault 'offsite'") && l.contains("left out")
                && l.contains(unmounted.toString())), "the agent logs that it leaves offsite out, and why: " + agent.output());
        assertFalse(agent.output().stream().anyMatch(l -> l.contains("vault 'default'") && l.contains("left out")),
                agent.output().toString());

        JsonNode offsite = awaitEnd(url, admin, post(url + "/api/v1/instances/" + domain.name + "/backups", admin,
                "{\"vault\": \"offsite\"}"));
        assertEquals("succeeded", offsite.path("state").asText(), offsite + "\nagent output: " + agent.output());
        assertRanOnAServer(url, admin, offsite, agent);
        String point = offsite.path("result").path("point").asText();
        JsonNode shown = call(url + "/api/v1/points/" + point, admin);
        assertTrue(shown.toString().contains("\"vault\":\"offsite\""), shown.toString());
        Path restored = data.resolve("restores").resolve("offsite.raw");
        JsonNode restore = awaitEnd(url, admin, post(url + "/api/v1/points/" + point + "/restore-disk", admin,
                "{\"disk\": \"vda\", \"to\": \"" + restored + "\", \"format\": \"raw\"}"));
        assertEquals("succeeded", restore.path("state").asText(), restore.toString());
        assertRanOnAServer(url, admin, restore, agent);
        assertEquals(domain.sha("vda"), TestDomain.sha256(restored), "the point in offsite restores bit-identically");

        JsonNode reached = awaitEnd(url, admin, post(url + "/api/v1/instances/" + domain.name + "/backups", admin,
                "{\"vault\": \"default\"}"));
        assertEquals("succeeded", reached.path("state").asText(), reached + "\nagent output: " + agent.output());
        JsonNode log = call(url + "/api/v1/jobs/" + reached.path("id").asText() + "/log", admin);
        assertTrue(log.toString().contains("started on worker " + agent.worker()), "ran on the agent: " + log);
        assertFalse(Files.exists(unmounted), "the agent created nothing where the vault is not mounted");
    }

    /** A {@code coffer agent} process, its worker id and what it printed. */
    record Agent(Process process, String worker, List<String> output) {
    }

    private Agent startAgent(String url, Path token, Path config) throws IOException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ServerProcess.class.getName(), "agent", "--server", url,
                "--token-file", token.toString(), "--host", "local", "--libvirt", "qemu:///system", "--config",
                config.toString(), "--data-dir", dir.resolve("agent-data").toString())
                .redirectErrorStream(true).start();
        agents.add(process);
        List<String> output = new CopyOnWriteArrayList<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            output.add(line);
            if (line.startsWith("Coffer agent ")) {
                Thread drain = new Thread(() -> lines.lines().forEach(output::add), "agent-output");
                drain.setDaemon(true);
                drain.start();
                return new Agent(process, line.split(" ")[2], output);
            }
        }
        throw new IOException("the agent ended without starting: " + String.join("\n", output));
    }

    private void assertRanOnAServer(String url, String admin, JsonNode job, Agent agent) throws Exception {
        JsonNode log = call(url + "/api/v1/jobs/" + job.path("id").asText() + "/log", admin);
        assertTrue(log.toString().contains("started on worker "), log.toString());
        assertFalse(log.toString().contains("started on worker " + agent.worker()), "job " + job.path("id").asText()
                + " ran on a server, not on the agent " + agent.worker() + ": " + log);
    }

    private JsonNode awaitEnd(String url, String admin, JsonNode job) throws Exception {
        String id = job.path("id").asText();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode now = call(url + "/api/v1/jobs/" + id, admin);
            if (List.of("succeeded", "failed", "cancelled").contains(now.path("state").asText())) {
                return now;
            }
            Thread.sleep(200);
        }
        return fail("job " + id + " did not end within " + WAIT);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WAIT + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    private JsonNode post(String url, String token, String body) throws Exception {
        HttpResponse<String> response = call("POST", url, token, body);
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    private JsonNode call(String url, String token) throws Exception {
        HttpResponse<String> response = call("GET", url, token, null);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

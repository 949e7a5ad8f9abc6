package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent tests' fixture (AgentIT, AgentFailoverIT, AgentLeaderKillIT, AgentMountIT, AgentVaultsIT): {@code coffer
 * server} processes on ONE PostgreSQL catalog with the host {@code local} ({@code qemu:///system}), {@code coffer
 * agent} processes (their output collected), their configuration files ({@link #config}), tokens, and the HTTP calls and
 * waits the tests make. Everything it started is killed and closed by {@link #close} (the test's {@code @AfterEach}),
 * processes first.
 *
 * <p>Not thread-safe; one per test.
 */
final class AgentCluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofMinutes(4);

    private final Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> agentOutput = new CopyOnWriteArrayList<>();
    private TestDatabase database;
    private Catalog catalog;

    /** A cluster whose files lie in {@code dir} (the test's temporary directory). */
    AgentCluster(Path dir) {
        this.dir = dir;
    }

    /** The shared PostgreSQL catalog's database (made at the first call). */
    TestDatabase database() {
        if (database == null) {
            try {
                database = TestDatabase.postgres();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the test PostgreSQL: " + e.getMessage(), e);
            }
            toClose.add(database);
        }
        return database;
    }

    /** The catalog, opened in this JVM (at the first call). */
    Catalog catalog() {
        if (catalog == null) {
            catalog = Catalog.open(database().config());
            toClose.add(catalog);
        }
        return catalog;
    }

    /** A new token of role admin. */
    String admin() {
        return catalog().tokens().create("cluster-admin-" + java.util.UUID.randomUUID().toString().substring(0, 8),
                "admin").secret();
    }

    /**
     * A file holding the cluster's token of role agent, made at the first call: an agent token acts for one host, and a
     * second live token is refused that host (docs/design/agents.md, "Tokens bound to a host").
     */
    Path agentToken() throws IOException {
        Path file = dir.resolve("agent.token");
        if (!Files.exists(file)) {
            Files.writeString(file, catalog().tokens().create("agent-1", "agent").secret());
        }
        return file;
    }

    /** Something else the test made, closed after the processes are killed (in reverse order). */
    <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    /** A server's configuration with one encrypted directory vault {@code default}. */
    Path config(String name, Path vault, Path keyring) throws IOException {
        return config(name, encryptedVault("default", vault, keyring), null, "");
    }

    /**
     * A server's configuration on the shared catalog with these {@code vaults} (YAML list items), host local in
     * {@code region} (null: none), and {@code extra} top-level YAML. Restores may go to {@link #restores()}.
     */
    Path config(String name, String vaults, String region, String extra) throws IOException {
        return config(name, dir.resolve("data-" + name), true, vaults, region, extra);
    }

    /**
     * The configuration {@code NAME.yaml} of a server or an agent, written in the test's directory: data in {@code data},
     * listening on a free loopback port, the catalog the shared PostgreSQL one ({@code sharedCatalog}; restores may
     * then go to {@link #restores()}) or SQLite in {@code data} (restores to {@code data/restores}), these {@code vaults}
     * (YAML list items), the host local ({@code qemu:///system}) in {@code region} (null: none), and {@code extra}
     * top-level YAML.
     */
    Path config(String name, Path data, boolean sharedCatalog, String vaults, String region, String extra)
            throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                dataDir: %s
                listen: {address: 127.0.0.1, port: 0}
                %svaults:
                %s%shosts:
                  - id: local
                    uri: qemu:///system
                %s%s""".formatted(data,
                sharedCatalog ? "catalog:\n  url: \"" + database().config().jdbcUrl() + "\"\n" : "", vaults,
                sharedCatalog ? "restoreDirectories: [" + restores() + "]\n" : "",
                region == null ? "" : "    region: " + region + "\n", extra));
        return file;
    }

    /** The YAML list item of the encrypted directory vault {@code name} at {@code path}, its keys in {@code keyring}. */
    static String encryptedVault(String name, Path path, Path keyring) {
        return """
                  - name: %s
                    path: %s
                    keyring: %s
                    encrypted: true
                """.formatted(name, path, keyring);
    }

    /** The restore directory every configuration on the shared catalog names. */
    Path restores() {
        return dir.resolve("data-b").resolve("restores");
    }

    /** A {@code coffer server} process of {@code config}, killed at the end. */
    ServerProcess.Running server(Path config) throws IOException {
        return server(config, java.util.Map.of());
    }

    /** A {@code coffer server} process of {@code config} with {@code env} added to its environment, killed at the end. */
    ServerProcess.Running server(Path config, java.util.Map<String, String> env) throws IOException {
        ServerProcess.Running server = ServerProcess.start(config, env);
        processes.add(server.process());
        return server;
    }

    /** A started agent process, its worker id (the jobs it runs log "started on worker ID") and what it printed. */
    record Agent(Process process, String worker, List<String> output) {
    }

    /** Starts {@code coffer agent --server URLS} for the host {@code local}, data in {@code dir/agent-data}. */
    Agent startAgent(String urls, Path token, Path config) throws IOException {
        return startAgent(urls, token, config, dir.resolve("agent-data"));
    }

    /** Starts {@code coffer agent --server URLS} for the host {@code local} ({@code qemu:///system}). */
    Agent startAgent(String urls, Path token, Path config, Path dataDir) throws IOException {
        return startAgent(urls, token, config, "local", "qemu:///system", dataDir);
    }

    /**
     * Starts {@code coffer agent --server URLS} for {@code host} on libvirt {@code libvirt}; what it prints is collected
     * (the agent's own {@link Agent#output}, and all agents' {@link #agentOutput}). Returns once it has started.
     */
    Agent startAgent(String urls, Path token, Path config, String host, String libvirt, Path dataDir) throws IOException {
        Process process = agentProcess(urls, token, config, host, libvirt, dataDir);
        List<String> output = new CopyOnWriteArrayList<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            output.add(line);
            agentOutput.add(line);
            if (line.startsWith("Coffer agent ")) {
                Thread drain = new Thread(() -> lines.lines().forEach(l -> {
                    output.add(l);
                    agentOutput.add(l);
                }), "agent-" + host + "-output");
                drain.setDaemon(true);
                drain.start();
                return new Agent(process, line.split(" ")[2], output);
            }
        }
        throw new IOException("the agent of host " + host + " ended without starting: " + String.join("\n", output));
    }

    /** The process of {@code coffer agent --server URLS} for {@code host}, started (killed at the end), its output merged. */
    Process agentProcess(String urls, Path token, Path config, String host, String libvirt, Path dataDir) throws IOException {
        Process process = new ProcessBuilder(ServerProcess.command("agent", "--server", urls, "--token-file", token.toString(),
                "--host", host, "--libvirt", libvirt, "--config", config.toString(), "--data-dir", dataDir.toString()))
                .redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    /** How the catalog has the host {@code local}'s agent now. */
    coffer.engine.catalog.Hosts.AgentSeen servedLocal() {
        return catalog().hosts().agentServed().stream().filter(s -> s.hostId().equals("local")).findFirst()
                .orElseThrow();
    }

    /** An agent process that ended by itself: its exit status and what it printed. */
    record Ended(int status, String text) {
    }

    /** Runs {@code coffer agent} for the host {@code local} until it ends by itself (refused): how it ended. */
    Ended runAgentToItsEnd(String urls, Path token, Path config, Path dataDir) throws Exception {
        Process process = agentProcess(urls, token, config, "local", "qemu:///system", dataDir);
        List<String> output = new CopyOnWriteArrayList<>();
        Thread drain = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(output::add), "agent-local-output");
        drain.setDaemon(true);
        drain.start();
        Await.until(() -> !process.isAlive(), WAIT, () -> "the refused agent to end: " + String.join("\n", output));
        drain.join();
        return new Ended(process.exitValue(), String.join("\n", output));
    }

    /** What the agents printed. */
    List<String> agentOutput() {
        return agentOutput;
    }

    /** Waits until job {@code id} ended (read through {@code url}) and returns it. */
    JsonNode awaitEnd(String url, String admin, String id) throws Exception {
        AtomicReference<String> last = new AtomicReference<>();
        return Await.value(() -> {
            HttpResponse<String> now = call("GET", url + "/api/v1/jobs/" + id, admin, null);
            assertEquals(200, now.statusCode(), now.body());
            last.set(now.body());
            JsonNode job = JSON.readTree(now.body());
            return Optional.of(job).filter(j -> List.of("succeeded", "failed", "cancelled").contains(j.path("state").asText()));
        }, WAIT, () -> "job " + id + " to end: " + last.get() + "\nagent output: " + String.join("\n", agentOutput));
    }

    /** Waits until {@code job} (an answer naming its {@code id}) ended (read through {@code url}) and returns it. */
    JsonNode awaitEnd(String url, String admin, JsonNode job) throws Exception {
        return awaitEnd(url, admin, job.path("id").asText());
    }

    /** Waits until job {@code job}'s log (read through {@code url}) says it started on {@code worker}. */
    void awaitStartedOn(String url, String admin, String job, String worker, String what) throws InterruptedException {
        await(() -> Optional.of(call("GET", url + "/api/v1/jobs/" + job + "/log", admin, null).body())
                .filter(log -> log.contains("started on worker " + worker)), what);
    }

    /** A job submitted through {@code url} ({@code POST path body}) that the agent {@code worker} ran, ended succeeded. */
    JsonNode agentJob(String url, String admin, String worker, String path, String body) throws Exception {
        JsonNode job = awaitEnd(url, admin, post(url + path, admin, body).path("id").asText());
        assertEquals("succeeded", job.path("state").asText(), job + "\nagent output: " + agentOutput);
        assertTrue(ranOn(url, admin, job.path("id").asText(), worker), path + " ran on the agent");
        return job;
    }

    /** Whether job {@code id}'s log says it started on {@code worker}. */
    boolean ranOn(String url, String admin, String id, String worker) throws Exception {
        return call("GET", url + "/api/v1/jobs/" + id + "/log", admin, null).body().contains("started on worker " + worker);
    }

    /** Waits up to {@link #WAIT} for {@code condition} to give a value ({@link Await}). */
    static <T> T await(Await.Probe<T> condition, String what) throws InterruptedException {
        return Await.value(condition, WAIT, what);
    }

    /** {@code POST url body}, answered 2xx, its JSON. */
    JsonNode post(String url, String token, String body) throws Exception {
        HttpResponse<String> response = call("POST", url, token, body);
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    /** {@code GET url}, answered 200, its JSON. */
    JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> response = call("GET", url, token, null);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Kills the processes started (and waits for them), then closes the rest, newest first. */
    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the next closes must still run
            }
        }
    }
}

package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 21's server replicas, for agents: a plan's run across the kill of the server holding the scheduler's lead. Two
 * {@code coffer server} processes on ONE PostgreSQL catalog (a holds the lead) and one {@code coffer agent} process
 * given both URLs; a is killed (-9) a second before the plan's slot: the run is queued once (not skipped, not doubled),
 * run by the agent, and its point restores bit-identically. (AgentFailoverIT kills a server under running agent jobs.)
 */
class AgentLeaderKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(4);

    @TempDir Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    final List<String> agentOutput = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
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

    /**
     * The fixture: a test domain of {@code domainMiB}, two servers a and b on one PostgreSQL catalog (a
     * started first; b once a holds the scheduler's lead), an admin token, and an agent given both (a first).
     */
    private record Cluster(TestDomain domain, ServerProcess.Running a, ServerProcess.Running b, Catalog catalog,
                           String admin, Path adminToken, List<String> agentOutput, String worker) {
    }

    private Cluster cluster(int domainMiB) throws Exception {
        TestDomain.requireLibvirt();
        TestDatabase database = TestDatabase.postgres();
        toClose.add(database);
        TestDomain domain = TestDomain.create(Files.createDirectories(dir.resolve("domain")), Map.of("vda", "qcow2"),
                domainMiB);
        toClose.add(domain);
        Path vault = dir.resolve("vault");
        Path keyring = dir.resolve("keyring");
        Path configA = config("a", database, vault, keyring);
        ServerProcess.Running a = ServerProcess.start(configA);
        processes.add(a.process());
        await(() -> Optional.of(schedulerLeads(database)).filter(n -> n == 1), "server a holds the scheduler lead");
        ServerProcess.Running b = ServerProcess.start(config("b", database, vault, keyring));
        processes.add(b.process());

        Catalog catalog = Catalog.open(database.config());
        toClose.add(catalog);
        String admin = catalog.tokens().create("cluster-admin", "admin").secret();
        Path adminToken = dir.resolve("admin.token");
        Files.writeString(adminToken, admin);
        Path agentToken = dir.resolve("agent.token");
        Files.writeString(agentToken, catalog.tokens().create("agent-1", "agent").secret());
        List<String> output = startAgent(a.url() + "," + b.url(), agentToken, configA);
        return new Cluster(domain, a, b, catalog, admin, adminToken, output, output.getLast().split(" ")[2]);
    }

    /**
     * A plan's run across a killed scheduler lead: server a holds the lead "scheduler" (started first; the lock is seen
     * in {@code pg_locks}), then b starts; the plan's policy is moved so its next run falls about 20 s later; a is
     * killed (-9) a second before that slot. b takes the lead and the slot is queued exactly once (not skipped, not
     * doubled: one job of the plan, for that slot, and the plan's next run the slot an hour later), claimed by the
     * agent (through b: its claim moved there), and its point restores bit-identically.
     */
    @Test
    void aPlansRunIsQueuedOnceAcrossAKilledLeadAndRunByTheAgent() throws Exception {
        Cluster cluster = cluster(64);
        TestDomain domain = cluster.domain();
        ServerProcess.Running a = cluster.a();
        ServerProcess.Running b = cluster.b();
        Catalog catalog = cluster.catalog();
        String admin = cluster.admin();
        Path adminToken = cluster.adminToken();
        List<String> output = cluster.agentOutput();
        String worker = cluster.worker();

        // an hourly policy, its plan's staggered offset read back, then the policy moved so the next run is ~20 s away
        Instant start = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        CliRun.run(null, "policy", "create", "soon", "--start", start.toString(), "--every", "PT1H", "--keep", "1d",
                "--url", a.url(), "--token-file", adminToken.toString()).ok();
        CliRun.run(null, "plan", "bind", "soon", domain.name, "--name", "lead-plan", "--url", a.url(), "--token-file",
                adminToken.toString()).ok();
        Instant firstRun = Instant.parse(get(a.url() + "/api/v1/plans/lead-plan", admin).path("nextRun").asText());
        long offset = Math.floorMod(Duration.between(start, firstRun).toSeconds(), 3600);
        Instant slot = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
        CliRun.run(null, "policy", "edit", "soon", "--start", slot.minusSeconds(offset).toString(), "--url", a.url(),
                "--token-file", adminToken.toString()).ok();
        assertEquals(slot, Instant.parse(get(b.url() + "/api/v1/plans/lead-plan", admin).path("nextRun").asText()),
                "the plan's next run moved to the slot");

        await(() -> Optional.of(Instant.now()).filter(now -> !now.isBefore(slot.minusSeconds(1))), "a second before the slot");
        a.process().destroyForcibly().waitFor();
        Instant killed = Instant.now();

        JsonNode run = await(() -> planRuns(catalog).stream().findFirst(), "the plan's run queued");
        Instant queuedAt = catalog.jobs().find(run.path("id").asText()).orElseThrow().createdAt();
        System.out.println("killed the scheduler's lead (server a, -9) at " + killed + "; slot " + slot + "; the run queued at "
                + queuedAt + (queuedAt.isAfter(killed) ? " (by b, the new lead)" : " (by a, before the kill)"));
        JsonNode ended = awaitEnd(b.url(), admin, run.path("id").asText());
        assertEquals("succeeded", ended.path("state").asText(), ended + "\nagent output: " + output);
        assertTrue(call("GET", b.url() + "/api/v1/jobs/" + run.path("id").asText() + "/log", admin, null).body()
                .contains("started on worker " + worker), "the run ran on the agent");
        JsonNode plan = get(b.url() + "/api/v1/plans/lead-plan", admin);
        assertEquals(slot.plus(Duration.ofHours(1)), Instant.parse(plan.path("nextRun").asText()), plan.toString());
        List<JsonNode> runs = planRuns(catalog);
        assertEquals(1, runs.size(), "the slot is run exactly once: " + runs);
        assertEquals(slot.toString(), Instant.parse(runs.getFirst().path("params").path("plan").path("slot").asText())
                .toString(), runs.toString());

        String point = ended.path("result").path("point").asText();
        Path restored = dir.resolve("data-b").resolve("restores").resolve("vda.raw");
        JsonNode restore = awaitEnd(b.url(), admin, post(b.url() + "/api/v1/points/" + point + "/restore-disk", admin,
                "{\"disk\": \"vda\", \"to\": \"" + restored + "\", \"format\": \"raw\"}").path("id").asText());
        assertEquals("succeeded", restore.path("state").asText(), restore + "\nagent output: " + output);
        assertEquals(domain.sha("vda"), TestDomain.sha256(restored), "the point restores bit-identically");
    }

    /** The plan's runs (backup jobs with a plan), as the API shows them. */
    private List<JsonNode> planRuns(Catalog catalog) {
        List<JsonNode> runs = new ArrayList<>();
        for (Job job : catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL)) {
            JsonNode params = JSON.valueToTree(job.params());
            if (job.type() == coffer.engine.job.JobType.backup && params.path("plan").hasNonNull("slot")) {
                runs.add(JSON.createObjectNode().put("id", job.id()).set("params", params));
            }
        }
        return runs;
    }

    /** How many sessions hold the lead "scheduler" (the advisory lock of docs/design/scheduler.md) on the database. */
    private static long schedulerLeads(TestDatabase database) {
        CRC32 crc = new CRC32();
        crc.update("scheduler".getBytes(StandardCharsets.UTF_8));
        try (Connection connection = DriverManager.getConnection(database.config().jdbcUrl());
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                     + " AND granted AND classid::text::bigint = ? AND objid::text::bigint = ?"
                     + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            query.setLong(1, 0x436F6666L);
            query.setLong(2, crc.getValue());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> response = call("GET", url, token, null);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private Path config(String name, TestDatabase database, Path vault, Path keyring) throws IOException {
        Path data = dir.resolve("data-" + name);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                dataDir: %s
                listen: {address: 127.0.0.1, port: 0}
                catalog:
                  url: "%s"
                vaults:
                  - name: default
                    path: %s
                    keyring: %s
                    encrypted: true
                restoreDirectories: [%s]
                hosts:
                  - id: local
                    uri: qemu:///system
                """.formatted(data, database.config().jdbcUrl(), vault, keyring, dir.resolve("data-b").resolve("restores")));
        return file;
    }

    /** Starts {@code coffer agent --server URLS} for the host {@code local}; what it prints is collected. */
    private List<String> startAgent(String urls, Path token, Path config) throws IOException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ServerProcess.class.getName(), "agent", "--server", urls,
                "--token-file", token.toString(), "--host", "local", "--libvirt", "qemu:///system", "--config",
                config.toString(), "--data-dir", dir.resolve("agent-data").toString())
                .redirectErrorStream(true).start();
        processes.add(process);
        List<String> output = agentOutput;
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            output.add(line);
            if (line.startsWith("Coffer agent ")) {
                Thread drain = new Thread(() -> lines.lines().forEach(output::add), "agent-output");
                drain.setDaemon(true);
                drain.start();
                return output;
            }
        }
        throw new IOException("the agent ended without starting: " + String.join("\n", output));
    }

    private JsonNode awaitEnd(String url, String admin, String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> now = call("GET", url + "/api/v1/jobs/" + id, admin, null);
            assertEquals(200, now.statusCode(), now.body());
            JsonNode job = JSON.readTree(now.body());
            if (List.of("succeeded", "failed", "cancelled").contains(job.path("state").asText())) {
                return job;
            }
            Thread.sleep(200);
        }
        return fail("job " + id + " did not end within " + WAIT + ": "
                + call("GET", url + "/api/v1/jobs/" + id, admin, null).body() + "\nagent output: " + String.join("\n", agentOutput));
    }

    private static <T> T await(Supplier<Optional<T>> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = condition.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(50);
        }
        return fail("not within " + WAIT + ": " + what);
    }

    private JsonNode post(String url, String token, String body) throws Exception {
        HttpResponse<String> response = call("POST", url, token, body);
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package coffer.app.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A backup job of {@code coffer server} (its own process, SQLite catalog, its own vault), the server killed at a
 * random moment after the job was submitted: after a restart the job has ended (failed with {@code WorkerLost},
 * or succeeded if it finished first), never left running; the domain runs; the next backup job succeeds and
 * leaves nothing behind. The server is stopped with SIGTERM at the end of each round.
 *
 * <p>Not thread-safe.
 */
final class ServerJobKill implements KillScenario {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Coffer coffer;
    private final CampaignVault vault;
    private final CampaignDomain domain;
    private final Path dataDir;
    private final Path config;
    private Coffer.Child server;
    private String url;
    private String job;
    private boolean protectedYet;
    private Duration typical = Duration.ofSeconds(4);

    ServerJobKill(Path dir, CampaignDomain domain) throws Exception {
        this.dataDir = dir.resolve("server-data");
        this.config = dir.resolve("server.yaml");
        Files.writeString(config, "dataDir: " + dataDir + "\nlisten: {address: 127.0.0.1, port: 0}\n");
        this.coffer = new Coffer(dataDir.resolve("keyring"), dir.resolve("server-logs"));
        this.vault = new CampaignVault(coffer, dataDir.resolve("vault"), dir);
        this.domain = domain;
    }

    @Override
    public String kind() {
        return "server-job";
    }

    @Override
    public CampaignVault vault() {
        return vault;
    }

    private void startServer() throws Exception {
        server = coffer.start("server", "--config", config.toString());
        Instant deadline = Instant.now().plusSeconds(120);
        String marker = "Coffer server listening on ";
        while (true) {
            String log = Files.readString(server.log());
            int at = log.indexOf(marker);
            if (at >= 0 && log.indexOf('\n', at) > 0) {
                url = log.substring(at + marker.length(), log.indexOf('\n', at)).strip();
                return;
            }
            if (!server.process().isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("the server did not start; log " + server.log() + ":\n" + log);
            }
            Thread.onSpinWait();
        }
    }

    private Coffer.Result api(String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--url", url, "--token-file", dataDir.resolve("admin.token").toString(),
                        "--output", "json")).toArray(String[]::new);
        return coffer.run(all);
    }

    @Override
    public void prepare(Random draw) throws Exception {
        if (server == null || !server.process().isAlive()) {
            startServer();
        }
        if (!protectedYet) {
            api("protection", "add", domain.name()).ok("protect " + domain.name());
            protectedYet = true;
        }
        domain.change(draw);
    }

    @Override
    public Map<String, String> pointData() throws Exception {
        return domain.data();
    }

    @Override
    public Coffer.Child start() throws Exception {
        job = JSON.readTree(api("backup", domain.name()).ok("submit a backup job").out()).path("id").asText();
        return server;
    }

    @Override
    public Duration typical() {
        return typical;
    }

    @Override
    public void afterKill(String what) throws Exception {
        startServer();
        Instant deadline = Instant.now().plusSeconds(120);
        JsonNode state;
        while (true) {
            state = JSON.readTree(api("job", "show", job).ok(what + ": job show").out());
            String s = state.path("state").asText();
            if (!s.equals("running") && !s.equals("queued")) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": job " + job + " still " + s + " two minutes after the restart");
            }
            Thread.onSpinWait();
        }
        boolean workerLost = state.path("state").asText().equals("failed")
                && state.path("error").path("code").asText().equals("WorkerLost");
        if (!workerLost && !state.path("state").asText().equals("succeeded")) {
            throw new AssertionError(what + ": the job of the killed server ended " + state);
        }
        domain.assertRunning(what);
    }

    @Override
    public void next(String what) throws Exception {
        long started = System.nanoTime();
        // --wait exits with the job's error code when it fails, and prints its result (BackupResult) when it succeeded
        JsonNode done = JSON.readTree(api("backup", domain.name(), "--wait").ok(what + ": the next backup job").out());
        typical = Duration.ofNanos(System.nanoTime() - started);
        if (done.path("point").asText().isEmpty()) {
            throw new AssertionError(what + ": the next backup job made no point: " + done);
        }
    }

    @Override
    public void nothingLeft(String what) throws Exception {
        JsonNode running = JSON.readTree(api("job", "list", "--state", "running").ok(what + ": job list").out());
        if (running.path("count").asInt() != 0) {
            throw new AssertionError(what + ": jobs left running: " + running);
        }
        domain.assertNothingLeft(what);
        stopServer();
    }

    private void stopServer() throws Exception {
        if (server != null && server.process().isAlive()) {
            server.process().destroy(); // SIGTERM: a clean stop
            if (!server.process().waitFor(60, TimeUnit.SECONDS)) {
                server.process().destroyForcibly();
                throw new AssertionError("the server did not stop within 60 s of SIGTERM; log " + server.log());
            }
        }
    }

    @Override
    public void close() throws Exception {
        stopServer();
    }
}

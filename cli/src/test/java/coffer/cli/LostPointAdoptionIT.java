package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.testing.MutableClock;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.server.config.ServerConfigLoader;
import coffer.testing.Await;
import coffer.testing.S3Server;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server killed between a plan's backup's commit in the vault and the catalog's row (the test hook
 * {@code COFFER_TEST_HOOK_HALT=backup-committed} halts its process there, as {@code kill -9} would): the vault holds an
 * immutable point the catalog does not know. After the restart the point is adopted (docs/design/catalog.md, "Adopting
 * the point of a lost job"): listed with its job and its policy's expiry, its deletion refused as immutable, the killed
 * job failed {@code WorkerLost} with the adoption in its log, and the slot is not run again (no second point); and retention later deletes it as any expired point (on a simulated clock, which the
 * server's vault judges immutability by too). A person's backup killed the same way (nothing retries it) is adopted by
 * the server's sweep of lost jobs, with its own expiry. On SQLite and PostgreSQL with a directory vault, and with a vault
 * in a bucket of the test S3 server (s3proxy: no Object Lock; the store's retention is ObjectLockEmulatorIT's).
 */
class LostPointAdoptionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir Path dir;
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();
    private String url;
    private Path tokenFile;

    /** {@code sqlite}, {@code postgresql}: a directory vault; {@code s3}: a bucket of the test S3 server, SQLite. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql", "s3"})
    void aPointCommittedBeforeTheKillIsAdoptedAtRestartAndExpiresLater(String setup) throws Exception {
        String domain = resources.domain(dir, "coffer-adopt-", "--size-mb", "16");
        TestDatabase db = resources.closeLater(setup.equals("postgresql") ? TestDatabase.postgres() : TestDatabase.sqlite(dir));
        Path dataDir = dir.resolve("data");
        Path configFile = dir.resolve("server.yaml");
        String yaml = "dataDir: " + dataDir + "\nlisten: {address: 127.0.0.1, port: 0}\n"
                + "catalog: {url: \"" + ServerCliIT.config(dataDir, db).catalog().jdbcUrl() + "\"}\n";
        Path points;
        if (setup.equals("s3")) {
            S3Server s3 = S3Server.shared();
            String bucket = s3.newBucket();
            Path secret = Files.writeString(dir.resolve("s3.secret"), S3Server.SECRET_ACCESS_KEY);
            yaml += String.join("\n", "vaults:", "  - name: default", "    path: s3://" + bucket + "/site",
                    "    keyring: " + dataDir.resolve("keyring"), "    s3: {endpoint: \"" + s3.endpoint() + "\", region: us-east-1,"
                            + " accessKeyId: " + S3Server.ACCESS_KEY_ID + ", secretAccessKeyFile: " + secret + "}", "");
            points = s3.fileOf(bucket, "site/points"); // s3proxy's filesystem store: a file per object
        } else {
            points = dataDir.resolve("vault").resolve("points");
        }
        Files.writeString(configFile, yaml);
        ServerConfig config = ServerConfigLoader.load(configFile, null);
        tokenFile = config.adminTokenFile();

        // a person's backup (no plan: nothing retries it), its server halted right after the vault's commit
        Map<String, String> hook = Map.of("COFFER_TEST_HOOK_HALT", "backup-committed");
        String manualJob;
        ServerProcess.Running first = ServerProcess.start(configFile, hook);
        try {
            url = first.url();
            cli("protection", "add", domain).ok();
            manualJob = json(cli("backup", domain, "--retention-days", "3", "--output", "json").ok()).path("id").asText();
            assertTrue(first.process().waitFor(3, TimeUnit.MINUTES), "the test hook halted the server");
            assertEquals(137, first.process().exitValue(), "halted by the test hook, not ended otherwise");
        } finally {
            first.close();
        }
        List<String> manualPoints = ids(points);
        assertEquals(1, manualPoints.size(), "the vault holds the killed backup's point: " + manualPoints);
        String manual = manualPoints.getFirst();

        // a plan's run of an immutable policy, its server halted right after the vault's commit (the server adopts
        // the person's point a few seconds after its start, or the restart below does)
        String killedJob;
        ServerProcess.Running killed = ServerProcess.start(configFile, hook);
        try {
            url = killed.url();
            cli("policy", "create", "daily", "--every", "1d", "--keep", "1d", "--immutable").ok();
            cli("plan", "bind", "daily", domain, "--name", "nightly").ok();
            killedJob = json(cli("plan", "run", "nightly", "--output", "json").ok()).path("id").asText();
            assertTrue(killed.process().waitFor(3, TimeUnit.MINUTES), "the test hook halted the server");
            assertEquals(137, killed.process().exitValue(), "halted by the test hook, not ended otherwise");
        } finally {
            killed.close();
        }
        List<String> inVault = ids(points);
        inVault.remove(manual);
        assertEquals(1, inVault.size(), "the vault holds the killed run's point: " + inVault);
        String point = inVault.getFirst();
        assertTrue(Files.exists(points.resolve(point).resolve("manifest")) && Files.exists(points.resolve(point).resolve("hold")),
                "committed with its hold before the halt");

        // the restart: the job is failed WorkerLost and its point adopted before the scheduler's first tick, which then
        // does not run the slot again: one point for the slot
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        CofferServer server = resources.closeLater(CofferServer.start(config, clock));
        url = server.url();
        Await.value(() -> listed(domain, point), WAIT, "the killed run's point adopted");
        JsonNode killedShown = json(cli("job", "show", killedJob, "--output", "json").ok());
        assertEquals("failed", killedShown.path("state").asText(), killedShown.toString());
        assertEquals("WorkerLost", killedShown.path("error").path("code").asText(), killedShown.toString());
        assertTrue(cli("job", "log", killedJob).ok().out().contains("point " + point + " was committed in vault default"
                + " before this job's worker was lost; adopted"));
        assertTrue(server.plans().scheduler().tick().queued().isEmpty(), "the adopted slot is not run again");
        JsonNode backups = json(cli("job", "list", "--type", "backup", "--output", "json").ok());
        assertEquals(2, backups.path("count").asInt(), "no backup job but the two killed ones: " + backups);
        assertEquals(List.of(manual, point), ids(points), "no second point for the slot");

        // the person's point, found by the server's sweep of lost jobs: its job, its own expiry, deletable
        JsonNode manualRow = Await.value(() -> listed(domain, manual), WAIT, "the person's point adopted");
        assertEquals(manualJob, manualRow.path("job").asText(), manualRow.toString());
        Duration beforeItsCreation = Duration.between(Instant.parse(manualRow.path("expiresAt").asText()),
                Instant.parse(manualRow.path("createdAt").asText()).plus(Duration.ofDays(3)));
        assertTrue(!beforeItsCreation.isNegative() && beforeItsCreation.compareTo(Duration.ofMinutes(1)) < 0,
                "3 days from the job's start, recorded in the manifest: " + manualRow);
        JsonNode manualShown = json(cli("job", "show", manualJob, "--output", "json").ok());
        assertEquals("WorkerLost", manualShown.path("error").path("code").asText(), manualShown.toString());
        assertTrue(cli("job", "log", manualJob).ok().out().contains("point " + manual + " was committed in vault default"
                + " before this job's worker was lost; adopted"));
        cli("point", "delete", manual).ok();

        JsonNode listed = json(cli("point", "list", "--name", domain, "--output", "json").ok());
        assertEquals(1, listed.path("count").asInt(), listed.toString());
        JsonNode row = listed.path("points").get(0);
        assertEquals(point, row.path("id").asText());
        assertEquals(killedJob, row.path("job").asText(), "the point names the job that made it: " + row);
        Instant created = Instant.parse(row.path("createdAt").asText());
        assertEquals(created.plus(Duration.ofDays(1)), Instant.parse(row.path("expiresAt").asText()),
                "the policy's keep-for: " + row);
        cli("point", "delete", point).fails(1, "BackupPointImmutable");

        // a day later, with a newer point (the newest of a protected instance is always kept), retention deletes it;
        // the plan suspended first, so that only the point asked for here is made
        cli("plan", "suspend", "nightly").ok();
        clock.set(created.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)));
        String newer = json(cli("backup", domain, "--wait", "--output", "json").ok()).path("point").asText();
        assertFalse(newer.isEmpty());
        server.plans().retention().sweepAll();
        List<String> left = new ArrayList<>();
        json(cli("point", "list", "--name", domain, "--output", "json").ok()).path("points")
                .forEach(p -> left.add(p.path("id").asText()));
        assertEquals(List.of(newer), left, "the adopted point expired and was deleted; the newer one is kept");
        assertFalse(Files.exists(points.resolve(point).resolve("manifest")), "deleted from the vault too");
    }

    private static List<String> ids(Path points) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(points)) {
            entries.map(p -> p.getFileName().toString()).filter(coffer.vault.PointIds::isId)
                    .filter(id -> Files.exists(points.resolve(id).resolve("manifest"))).sorted().forEach(ids::add);
        }
        return ids;
    }

    /** Point {@code id} as {@code point list --name DOMAIN} shows it, once it is listed. */
    private Optional<JsonNode> listed(String domain, String id) throws Exception {
        for (JsonNode p : json(cli("point", "list", "--name", domain, "--output", "json").ok()).path("points")) {
            if (p.path("id").asText().equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private CliRun cli(String... args) {
        return CliRun.through(url, tokenFile, args);
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }
}

package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.testing.LeftHeld;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Assurance through the real server on a PostgreSQL catalog (docs/design/assurance.md): its verify schedule verifies
 * the default vault on its own at start, a person's sampled verify reads the first slice, the runs are listed and
 * exported in {@code /metrics}; change alerts are listed, acknowledged by an operator (never a viewer) under the
 * token's own name, and exported; a deleted point's space is reclaimed by the server's loop without {@code vault gc},
 * its step listed (with the stale claims and leases its gc removed) and exported. Catalog rows stand in for what
 * backups make here (the jobs that make them with real domains: AssuranceJobsIT, DrillJobsIT).
 */
class AssuranceApiIT {
    @TempDir Path dir;
    TestDatabase database;
    TestServer server;
    Catalog catalog;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.postgres();
        server = TestServer.start(TestServer.config(dir, database.config()));
        catalog = server.server().catalog();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private JsonNode ok(int status, String method, String path, String body) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(status, answer.status(), method + " " + path + ": " + answer.text());
        return answer.body();
    }

    /** Asks {@code path} until {@code done} holds of its answer (at most a minute). */
    private JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = ok(200, "GET", path, null);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " never answered as awaited; last: " + last);
    }

    private String metrics() throws Exception {
        TestServer.Answer answer = server.admin("GET", "/metrics", null);
        assertEquals(200, answer.status());
        return answer.text();
    }

    private String token(String name, String role) throws Exception {
        return ok(201, "POST", "/api/v1/tokens", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}").path("secret").asText();
    }

    @Test
    void theServerVerifiesItsVaultOnItsOwnAndAPersonsSampledVerifyReadsTheNextSlice() throws Exception {
        JsonNode full = await("/api/v1/verify-runs", runs -> runs.path("count").asInt() >= 1);
        JsonNode run = full.path("runs").get(0);
        assertEquals("FULL", run.path("kind").asText(), "never verified: the schedule's first run is a full one");
        assertEquals("default", run.path("vault").asText());
        // the run is recorded by its job just before the job ends: a second verify waits for that end
        JsonNode scheduled = await("/api/v1/jobs/" + run.path("job").asText(), j -> j.path("state").asText().equals("succeeded"));
        assertEquals("verify", scheduled.path("type").asText());

        JsonNode job = ok(202, "POST", "/api/v1/vaults/default/verify", "{\"kind\": \"SAMPLED\"}");
        assertEquals("verify", job.path("type").asText());
        assertEquals("default", job.path("target").asText());
        JsonNode done = await("/api/v1/jobs/" + job.path("id").asText(), j -> j.path("state").asText().equals("succeeded"));
        JsonNode sampled = done.path("result").path("run");
        assertEquals("SAMPLED", sampled.path("kind").asText());
        assertEquals(0, sampled.path("slice").asInt());
        assertEquals(28, sampled.path("slices").asInt(), "a daily sample over 28 days");
        assertEquals(2, ok(200, "GET", "/api/v1/verify-runs?vault=default", null).path("count").asInt());

        TestServer.Answer unknown = server.admin("POST", "/api/v1/vaults/nowhere/verify", "{}");
        assertEquals(400, unknown.status(), unknown.text());
        assertTrue(unknown.body().path("detail").asText().contains("no vault named 'nowhere'"), unknown.text());

        String metrics = metrics();
        assertTrue(metrics.contains("coffer_verify_last_finished_timestamp_seconds{kind=\"FULL\",vault=\"default\"}"), metrics);
        assertTrue(metrics.contains("coffer_verify_damaged_ranges{kind=\"SAMPLED\",vault=\"default\"} 0.0"), metrics);
    }

    @Test
    void anOperatorAcknowledgesAChangeAlertUnderItsTokensNameAndAViewerCannot() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-alert", "local", "alert-web", "running", List.of(), t, false)));
        catalog.changeAlerts().raise(new ChangeAlert("a-1", "u-alert", "p-9", t, ChangeAlert.Kind.ENTROPY, 0.97, 0.31, t,
                null, null, null, null));
        JsonNode standing = ok(200, "GET", "/api/v1/alerts", null);
        assertEquals(1, standing.path("count").asInt());
        assertTrue(standing.path("alerts").get(0).path("standing").asBoolean());
        assertTrue(metrics().contains("coffer_change_alerts_unacknowledged{instance_id=\"u-alert\",instance_name=\"alert-web\","
                + "kind=\"ENTROPY\"} 1.0"), "exported");

        TestServer.Answer viewer = server.call("POST", "/api/v1/alerts/a-1/acknowledge", token("watcher", "viewer"), "{}");
        assertEquals(403, viewer.status(), viewer.text());
        assertEquals("Forbidden", viewer.code());

        TestServer.Answer acknowledged = server.call("POST", "/api/v1/alerts/a-1/acknowledge", token("night-ops", "operator"),
                "{\"note\": \"a planned re-encryption\", \"by\": \"someone-else\"}");
        assertEquals(200, acknowledged.status(), acknowledged.text());
        assertEquals("night-ops", acknowledged.body().path("acknowledgedBy").asText(), "the token's name, not the body's");
        assertEquals("a planned re-encryption", acknowledged.body().path("note").asText());
        assertEquals(0, ok(200, "GET", "/api/v1/alerts", null).path("count").asInt(), "nothing stands");
        JsonNode history = ok(200, "GET", "/api/v1/alerts?instance=alert-web", null);
        assertEquals(1, history.path("count").asInt());
        assertFalse(history.path("alerts").get(0).path("standing").asBoolean());
        assertFalse(metrics().contains("coffer_change_alerts_unacknowledged{"), "no alert stands");

        TestServer.Answer missing = server.admin("POST", "/api/v1/alerts/no-such-alert/acknowledge", "{}");
        assertEquals(404, missing.status(), missing.text());
        assertEquals("ResourceNotFound", missing.code());
    }

    @Test
    void drillsAreListedByInstanceWithProvenBootableAtShownOnThePointAndExported() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-drill", "local", "drill-web", "running", List.of(), t, false)));
        catalog.points().upsert(new PointRecord("p-drill", "default", "u-drill", "drill-web", t, "available", "CRASH", 1, 1,
                null, null, List.of()));
        catalog.drillRuns().record(new DrillRun("d-1", "u-drill", "p-drill", "default", t, t.plusSeconds(20), true, null,
                null, Duration.ofMillis(400), Duration.ofSeconds(12), Duration.ofMillis(50), 0, "ok", null));
        catalog.drillRuns().record(new DrillRun("d-2", "u-drill", "p-drill", "default", t.plusSeconds(60), t.plusSeconds(70),
                false, DrillRun.Phase.CHECK, "the check command ended with exit code 3", Duration.ofMillis(300),
                Duration.ofSeconds(9), Duration.ofMillis(40), 3, "", null));
        JsonNode drills = ok(200, "GET", "/api/v1/drills?instance=drill-web", null);
        JsonNode instance = drills.path("instances").get(0);
        assertEquals(t.plusSeconds(20).toString(), instance.path("provenBootableAt").asText(), drills.toString());
        assertEquals("p-drill", instance.path("provenPoint").asText());
        assertEquals("d-2", instance.path("drills").get(0).path("id").asText(), "newest first");
        assertEquals("CHECK", instance.path("drills").get(0).path("failedPhase").asText());
        String metrics = metrics();
        assertTrue(metrics.contains("coffer_drill_last_passed{instance_id=\"u-drill\",instance_name=\"drill-web\"} 0.0"), metrics);
        assertTrue(metrics.contains("coffer_drill_last_passed_timestamp_seconds{instance_id=\"u-drill\",instance_name=\"drill-web\"} "
                + (t.plusSeconds(20).toEpochMilli() / 1000.0)), metrics);
        assertTrue(metrics.contains("coffer_drill_phase_seconds{instance_id=\"u-drill\",instance_name=\"drill-web\",phase=\"boot\"} 9.0"),
                metrics);
        TestServer.Answer none = server.admin("POST", "/api/v1/instances/drill-web/drills", "{\"check\": [\"true\"]}");
        assertEquals(400, none.status(), none.text());
        assertTrue(none.body().path("detail").asText().contains("check: the command's path must be absolute"), none.text());
    }

    @Test
    void aDeletedPointsSpaceIsReclaimedByTheServersLoopWithoutAManualGc() throws Exception {
        // the first step after a start is a rescan
        await("/api/v1/reclaims", r -> r.path("vaults").get(0).path("steps").asInt() >= 1);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-gone", "local", "gone-web", "running", List.of(), t, false)));
        catalog.points().upsert(new PointRecord("p-gone", "default", "u-gone", "gone-web", t, "available", "CRASH", 1, 1,
                null, null, List.of()));
        // a replication claim and a point lease of runs killed for good on another host, two hours ago
        Instant killed = Instant.now().minus(Duration.ofHours(2));
        String claim = "claims/" + coffer.vault.PointIds.newId(killed) + "/killed-elsewhere";
        LeftHeld.inDirectory(dir.resolve("vault"), claim, "WRITE", killed);
        LeftHeld.inDirectory(dir.resolve("vault"), "leases/" + coffer.vault.PointIds.newId(killed) + "/killed-elsewhere",
                "SERVE", killed);
        ok(200, "DELETE", "/api/v1/points/p-gone", null);
        JsonNode reclaims = await("/api/v1/reclaims", r -> {
            for (JsonNode step : r.path("vaults").get(0).path("recent")) {
                if (step.path("reason").asText().equals("DELETED")) {
                    return true;
                }
            }
            return false;
        });
        JsonNode vault = reclaims.path("vaults").get(0);
        assertEquals("default", vault.path("vault").asText());
        JsonNode step = vault.path("recent").get(0);
        assertEquals("DELETED", step.path("reason").asText());
        assertEquals("COMPLETE", step.path("outcome").asText());
        assertFalse(step.path("late").asBoolean(), "within the deadline");
        int staleClaims = 0;
        int staleLeases = 0;
        for (JsonNode each : vault.path("recent")) { // a retried rescan may have come first and removed them
            staleClaims += each.path("staleClaims").asInt();
            staleLeases += each.path("staleLeases").asInt();
        }
        assertEquals(1, staleClaims, vault.toString());
        assertEquals(1, staleLeases, vault.toString());
        assertFalse(java.nio.file.Files.exists(dir.resolve("vault").resolve(claim)), "the stale claim is gone");
        assertTrue(vault.path("pendingSince").isNull(), "nothing waits: " + vault);
        String metrics = metrics();
        assertTrue(metrics.contains("coffer_reclaim_steps_total{vault=\"default\"}"), metrics);
        assertTrue(metrics.contains("coffer_reclaim_pending_seconds{vault=\"default\"} 0.0"), metrics);
        assertTrue(metrics.contains("coffer_reclaimed_bytes_total{vault=\"default\"}"), metrics);
    }

    @Test
    void replicationLagIsTheAgeOfTheOldestPointNotReplicatedYetPerDestination() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(7)).truncatedTo(ChronoUnit.MILLIS);
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-lag", "local", "lag-web", "running", List.of(), t, false)));
        for (String id : List.of("p-lag-1", "p-lag-2")) {
            catalog.points().upsert(new PointRecord(id, "default", "u-lag", "lag-web", id.endsWith("1") ? t : t.plusSeconds(3600),
                    "available", "CRASH", 1, 1, null, null, List.of()));
            catalog.replications().queue(id, "east", "far");
            catalog.replications().queue(id, "west", "near");
        }
        catalog.replications().start("p-lag-1", "west", "near", "j-1");
        catalog.replications().done("p-lag-1", "west", "near", "r-1");
        catalog.replications().start("p-lag-2", "west", "near", "j-2");
        catalog.replications().done("p-lag-2", "west", "near", "r-2");
        String metrics = metrics();
        String east = metrics.lines().filter(l -> l.startsWith("coffer_replication_lag_seconds{destination=\"east/far\",vault=\"default\"}"))
                .findFirst().orElseThrow(() -> new AssertionError(metrics));
        double lag = Double.parseDouble(east.substring(east.lastIndexOf(' ') + 1));
        assertTrue(lag >= 7 * 3600 && lag < 8 * 3600, "the oldest pending point is 7 h old: " + east);
        assertTrue(metrics.contains("coffer_replication_lag_seconds{destination=\"west/near\",vault=\"default\"} 0.0"), metrics);
    }
}

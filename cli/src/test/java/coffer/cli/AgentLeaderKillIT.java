package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
import coffer.testing.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

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
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21's server replicas, for agents: a plan's run across the kill of the server holding the scheduler's lead. Two
 * {@code coffer server} processes on ONE PostgreSQL catalog (a holds the lead) and one {@code coffer agent} process
 * given both URLs; a is killed (-9) a second before the plan's slot: the run is queued once (not skipped, not doubled),
 * run by the agent, and its point restores bit-identically. (AgentFailoverIT kills a server under running agent jobs.)
 */
class AgentLeaderKillIT extends WithAgentCluster {
    private static final ObjectMapper JSON = AgentCluster.JSON;

    /**
     * The fixture: a test domain of {@code domainMiB}, two servers a and b on one PostgreSQL catalog (a
     * started first; b once a holds the scheduler's lead), an admin token, and an agent given both (a first).
     */
    private record Cluster(TestDomain domain, ServerProcess.Running a, ServerProcess.Running b, Catalog catalog,
                           String admin, Path adminToken, List<String> agentOutput, String worker) {
    }

    private Cluster cluster(int domainMiB) throws Exception {
        TestDomain.requireLibvirt();
        TestDatabase database = fixture.database();
        TestDomain domain = fixture.closeLater(TestDomain.create(Files.createDirectories(dir.resolve("domain")),
                Map.of("vda", "qcow2"), domainMiB));
        Path vault = dir.resolve("vault");
        Path keyring = dir.resolve("keyring");
        Path configA = fixture.config("a", vault, keyring);
        ServerProcess.Running a = fixture.server(configA);
        AgentCluster.await(() -> Optional.of(schedulerLeads(database)).filter(n -> n == 1), "server a holds the scheduler lead");
        ServerProcess.Running b = fixture.server(fixture.config("b", vault, keyring));

        Catalog catalog = fixture.catalog();
        String admin = fixture.admin();
        Path adminToken = dir.resolve("admin.token");
        Files.writeString(adminToken, admin);
        String worker = fixture.startAgent(a.url() + "," + b.url(), fixture.agentToken(), configA).worker();
        return new Cluster(domain, a, b, catalog, admin, adminToken, fixture.agentOutput(), worker);
    }

    /**
     * A plan's run across a killed scheduler lead: server a holds the lead "scheduler" (started first; the lock is seen
     * in {@code pg_locks}), then b starts; the plan's policy is moved so its next run falls 8 s and more later; a is
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

        // an hourly policy, its plan's staggered offset read back, then the policy moved so the next run is a lead away:
        // long enough for the edit and its read-back (commands like the three timed here) and the kill a second before
        // the slot; 8 s plus three times what the three took (was a fixed 20 s, mostly waited out on a quiet machine)
        long settingUp = System.nanoTime();
        Instant start = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        CliRun.run(null, "policy", "create", "soon", "--start", start.toString(), "--every", "PT1H", "--keep", "1d",
                "--url", a.url(), "--token-file", adminToken.toString()).ok();
        CliRun.run(null, "plan", "bind", "soon", domain.name, "--name", "lead-plan", "--url", a.url(), "--token-file",
                adminToken.toString()).ok();
        Instant firstRun = Instant.parse(fixture.get(a.url() + "/api/v1/plans/lead-plan", admin).path("nextRun").asText());
        long offset = Math.floorMod(Duration.between(start, firstRun).toSeconds(), 3600);
        Duration lead = Duration.ofSeconds(8).plus(Duration.ofNanos(System.nanoTime() - settingUp).multipliedBy(3));
        Instant slot = Instant.now().plus(lead).truncatedTo(ChronoUnit.SECONDS);
        CliRun.run(null, "policy", "edit", "soon", "--start", slot.minusSeconds(offset).toString(), "--url", a.url(),
                "--token-file", adminToken.toString()).ok();
        assertEquals(slot, Instant.parse(fixture.get(b.url() + "/api/v1/plans/lead-plan", admin).path("nextRun").asText()),
                "the plan's next run moved to the slot");

        AgentCluster.await(() -> Optional.of(Instant.now()).filter(now -> !now.isBefore(slot.minusSeconds(1))), "a second before the slot");
        a.process().destroyForcibly().waitFor();
        Instant killed = Instant.now();

        JsonNode run = AgentCluster.await(() -> planRuns(catalog).stream().findFirst(), "the plan's run queued");
        Instant queuedAt = catalog.jobs().find(run.path("id").asText()).orElseThrow().createdAt();
        System.out.println("killed the scheduler's lead (server a, -9) at " + killed + "; slot " + slot + " (lead "
                + lead.toMillis() + " ms); the run queued at "
                + queuedAt + (queuedAt.isAfter(killed) ? " (by b, the new lead)" : " (by a, before the kill)"));
        JsonNode ended = fixture.awaitEnd(b.url(), admin, run.path("id").asText());
        assertEquals("succeeded", ended.path("state").asText(), ended + "\nagent output: " + output);
        assertTrue(fixture.ranOn(b.url(), admin, run.path("id").asText(), worker), "the run ran on the agent");
        JsonNode plan = fixture.get(b.url() + "/api/v1/plans/lead-plan", admin);
        assertEquals(slot.plus(Duration.ofHours(1)), Instant.parse(plan.path("nextRun").asText()), plan.toString());
        List<JsonNode> runs = planRuns(catalog);
        assertEquals(1, runs.size(), "the slot is run exactly once: " + runs);
        assertEquals(slot.toString(), Instant.parse(runs.getFirst().path("params").path("plan").path("slot").asText())
                .toString(), runs.toString());

        String point = ended.path("result").path("point").asText();
        Path restored = fixture.restores().resolve("vda.raw");
        JsonNode restore = fixture.awaitEnd(b.url(), admin, fixture.post(b.url() + "/api/v1/points/" + point + "/restore-disk", admin,
                "{\"disk\": \"vda\", \"to\": \"" + restored + "\", \"format\": \"raw\"}").path("id").asText());
        assertEquals("succeeded", restore.path("state").asText(), restore + "\nagent output: " + output);
        assertEquals(domain.sha("vda"), TestData.sha256(restored), "the point restores bit-identically");
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
}

package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
import coffer.testing.S3Server;
import coffer.testing.ThrottledProxy;
import coffer.testing.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21's server replicas, for agents: two {@code coffer server} processes on ONE PostgreSQL catalog and one
 * {@code coffer agent} process given both URLs (a comma list). While the agent runs a backup it claimed through the
 * first server, that server is killed (-9, a process of its own); the agent's heartbeats, reports and the job's end go
 * to the second server, so the job succeeds (not WorkerLost), and its point restores bit-identically through the
 * second server. A small (256 MiB) test domain: its copy outlasts the kill. Both servers and the agent are processes
 * of their own. The same for a replication the agent runs (to an S3 region), and an agent's backups judged for change
 * as a server's are (docs/design/agents.md, "Which jobs an agent runs").
 */
class AgentFailoverIT extends WithAgentCluster {
    private static final int MIB = 1 << 20;

    @Test
    void agentCarriesOnThroughTheOtherServerWhenItsServerIsKilled() throws Exception {
        TestDomain.requireLibvirt();
        TestDomain domain = TestDomain.create(Files.createDirectories(dir.resolve("domain")), Map.of("vda", "qcow2"), 256);
        fixture.closeLater(domain);
        Path vault = dir.resolve("vault");
        Path keyring = dir.resolve("keyring");
        Path configA = fixture.config("a", vault, keyring);
        Path configB = fixture.config("b", vault, keyring);
        ServerProcess.Running a = fixture.server(configA);
        ServerProcess.Running b = fixture.server(configB);

        Catalog catalog = fixture.catalog();
        String admin = catalog.tokens().create("failover-admin", "admin").secret();
        Path agentToken = fixture.agentToken();

        // the agent talks to a first (its list's first server)
        String worker = fixture.startAgent(a.url() + "," + b.url(), agentToken, configA).worker();
        String job = fixture.post(a.url() + "/api/v1/instances/" + domain.name + "/backups", admin, "{}").path("id").asText();
        // killed once the job's first log line came through a: the claim's answer reached the agent (a claim whose
        // answer died with its server is failed WorkerLost by the agent's heartbeats instead: AgentLostJobsTest)
        JsonNode ended = succeedsThroughBWhenAIsKilled(a, b, catalog, admin, job, worker, "the backup started on the agent");
        String point = ended.path("result").path("point").asText();
        assertEquals(domain.sha("vda"), TestData.sha256(restoredOnAgent(b.url(), admin, worker, point, "vda.raw")),
                "the point restores bit-identically");
    }

    /**
     * A replication through the agent while a server is killed (docs/design/agents.md, "Which jobs an agent runs"): the
     * agent's configuration names both vaults (west: a directory, east: an S3 bucket behind a proxy held to 8 MB/s, so
     * the copy outlasts the kill), so the replicate job is the agent's. Server a is killed once the job started on the
     * agent; the job succeeds through b, the point's replication is DONE with the replica in the catalog, and the replica
     * restores (on the agent, from the bucket) bit-identically.
     */
    @Test
    void replicationRunsOnTheAgentAndCarriesOnWhenItsServerIsKilled() throws Exception {
        TestDomain.requireLibvirt();
        TestDomain domain = TestDomain.create(Files.createDirectories(dir.resolve("domain")), Map.of("vda", "qcow2"), 128);
        fixture.closeLater(domain);
        S3Server s3 = S3Server.shared();
        ThrottledProxy slowUploads = ThrottledProxy.in(s3.endpoint(), 8_000_000);
        fixture.closeLater(slowUploads);
        Path secret = dir.resolve("s3.secret");
        Files.writeString(secret, S3Server.SECRET_ACCESS_KEY);
        String regions = """
                  - {name: west-vault, path: %s, keyring: %s, encrypted: true, region: west}
                  - name: east-vault
                    path: s3://%s/east
                    keyring: %s
                    encrypted: true
                    region: east
                    s3: {endpoint: "%s", region: us-east-1, accessKeyId: %s, secretAccessKeyFile: %s}
                """.formatted(dir.resolve("west-vault"), dir.resolve("west-keyring"), s3.newBucket(),
                dir.resolve("east-keyring"), slowUploads.endpoint(), S3Server.ACCESS_KEY_ID, secret);
        Path configA = fixture.config("a", regions, "west", "");
        Path configB = fixture.config("b", regions, "west", "");
        ServerProcess.Running a = fixture.server(configA);
        ServerProcess.Running b = fixture.server(configB);

        Catalog catalog = fixture.catalog();
        String admin = catalog.tokens().create("failover-admin", "admin").secret();
        Path agentToken = fixture.agentToken();
        String worker = fixture.startAgent(a.url() + "," + b.url(), agentToken, configA).worker();

        JsonNode backup = agentBackup(a.url(), admin, domain, worker);
        String point = backup.path("result").path("point").asText();

        String job = fixture.post(a.url() + "/api/v1/points/" + point + "/replicate", admin, "{\"region\": \"east\"}").path("id")
                .asText();
        JsonNode ended = succeedsThroughBWhenAIsKilled(a, b, catalog, admin, job, worker, "the replication started on the agent");
        String replica = ended.path("result").path("replica").asText();
        ReplicationRecord status = catalog.replications().find(point, "east", "east-vault").orElseThrow();
        assertEquals(ReplicationRecord.State.DONE, status.state(), status.toString());
        assertEquals(replica, status.replicaId(), status.toString());
        assertEquals("east", catalog.points().find(replica).orElseThrow().region(), "the replica is a point of east");
        System.out.println("replication through the agent: " + ended.path("result"));

        assertEquals(domain.sha("vda"), TestData.sha256(restoredOnAgent(b.url(), admin, worker, replica, "replica-vda.raw")), "the replica restores bit-identically");
    }

    /**
     * A backup run by the agent has its change judged as a server's backup has (docs/design/assurance.md): the same
     * handler judges it on the agent against the instance's samples its claim carried, and the server records the sample
     * and the alerts with the job's end. Three ordinary incrementals raise nothing; then another agent with an empty
     * working catalog takes the host over, and a rewrite of most of the disk with random data raises CHANGE_RATE on its
     * point and job, in the servers' catalog (the baseline came with the claim).
     */
    @Test
    void anAgentsBackupIsJudgedForChangeAsAServersIs() throws Exception {
        TestDomain.requireLibvirt();
        TestDomain domain = TestDomain.create(Files.createDirectories(dir.resolve("domain")), Map.of("vda", "qcow2"), 64);
        fixture.closeLater(domain);
        String instance = TestDomain.virsh("domuuid", domain.name).trim();
        // the defaults scaled to a 64 MiB disk (ChangeAlertIT): 4x the median and at least 8 MiB
        Path configA = fixture.config("a", AgentCluster.encryptedVault("default", dir.resolve("vault"), dir.resolve("keyring")),
                null, "assurance: {alerts: {minimumMiB: 8}}\n");
        ServerProcess.Running a = fixture.server(configA);
        Catalog catalog = fixture.catalog();
        String admin = catalog.tokens().create("alerts-admin", "admin").secret();
        Path agentToken = fixture.agentToken();
        AgentCluster.Agent agent = fixture.startAgent(a.url(), agentToken, configA);
        String worker = agent.worker();

        agentBackup(a.url(), admin, domain, worker);
        for (int run = 1; run <= 3; run++) { // ordinary days: a few MiB of compressible writes
            domain.write("vda", (long) run * 4 * MIB, 2L * MIB + run * 64 * 1024, 0x10 + run);
            JsonNode ordinary = agentBackup(a.url(), admin, domain, worker);
            assertEquals(0, ordinary.path("result").path("warnings").size(), "run " + run + ": " + ordinary);
        }
        assertEquals(List.of(), catalog.changeAlerts().ofInstance(instance, 10));
        // a new agent with an empty working catalog: the baseline is the servers' samples, carried by the claim
        Process first = agent.process();
        first.destroy();
        assertTrue(first.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "the first agent stopped");
        fixture.agentOutput().clear();
        // the same agent (its identity: docs/design/agents.md "One agent per host"), its working catalog empty
        Files.createDirectories(dir.resolve("agent-data-2"));
        Files.copy(dir.resolve("agent-data").resolve("agent-identity"), dir.resolve("agent-data-2").resolve("agent-identity"));
        worker = fixture.startAgent(a.url(), agentToken, configA, dir.resolve("agent-data-2")).worker();
        domain.writeRandom("vda", 8L * MIB, 48 * MIB, 20); // most of the disk, as ransomware encrypting it would
        JsonNode rewrite = agentBackup(a.url(), admin, domain, worker);
        String point = rewrite.path("result").path("point").asText();
        List<ChangeAlert> raised = catalog.changeAlerts().ofInstance(instance, 10);
        System.out.println("alerts of the agent's backup " + rewrite.path("id").asText() + ": " + raised);
        // CHANGE_RATE: 48 MiB against a median of about 2 MiB (ENTROPY depends on the sample floor, not configurable)
        assertTrue(raised.stream().map(ChangeAlert::kind).toList().contains(ChangeAlert.Kind.CHANGE_RATE), raised.toString());
        for (ChangeAlert alert : raised) {
            assertEquals(point, alert.pointId(), alert.toString());
            assertEquals(rewrite.path("id").asText(), alert.jobId(), alert.toString());
        }
        assertTrue(rewrite.path("result").path("warnings").toString().contains("change alert"), rewrite.toString());
        assertEquals(4, catalog.changeAlerts().samplesBefore(instance, java.time.Instant.now(), 100).size(),
                "the four incrementals' samples are in the servers' catalog");
    }

    /**
     * A clone, a consistency group's backup, restore and clone, and a restore drill run on the agent when every member
     * is on its host (docs/design/agents.md, "Which jobs an agent runs"): each job's log names the agent's worker, the
     * group point and the drill's run are in the servers' catalog, and the restored and cloned disks hold what the
     * domains' disks held.
     */
    @Test
    void clonesAndGroupJobsOfTheAgentsHostRunOnTheAgent() throws Exception {
        TestDomain.requireLibvirt();
        Path restores = fixture.restores(); // new disks go beside the originals: a restore directory
        TestDomain web = TestDomain.create(Files.createDirectories(restores.resolve("web")), Map.of("vda", "qcow2"), 32);
        fixture.closeLater(web);
        TestDomain db = TestDomain.create(Files.createDirectories(restores.resolve("db")), Map.of("vda", "qcow2"), 32);
        fixture.closeLater(db);
        // a no-OS domain never answers a guest agent: its drill fails in phase BOOT after 2 s, recorded all the same
        Path configA = fixture.config("a", AgentCluster.encryptedVault("default", dir.resolve("vault"), dir.resolve("keyring")),
                null, "assurance: {drills: {bootTimeout: 2s}}\n");
        ServerProcess.Running a = fixture.server(configA);
        Catalog catalog = fixture.catalog();
        String admin = catalog.tokens().create("groups-admin", "admin").secret();
        Path agentToken = fixture.agentToken();
        String worker = fixture.startAgent(a.url(), agentToken, configA).worker();
        fixture.post(a.url() + "/api/v1/groups", admin, "{\"name\": \"shop\", \"instances\": [\"" + web.name + "\", \""
                + db.name + "\"]}");

        JsonNode backup = fixture.agentJob(a.url(), admin, worker, "/api/v1/groups/shop/backups", "{}");
        String groupPoint = backup.path("result").path("groupPoint").asText();
        assertEquals(backup.path("id").asText(), catalog.groups().findPoint(groupPoint).orElseThrow().jobId(),
                "the group point is in the servers' catalog");
        JsonNode restored = fixture.agentJob(a.url(), admin, worker, "/api/v1/group-points/" + groupPoint + "/restore",
                "{\"suffix\": \"-r\"}");
        for (JsonNode instance : restored.path("result").path("instances")) {
            String name = instance.path("name").asText();
            web.adopt(name);
            TestDomain original = name.startsWith(web.name) ? web : db;
            assertEquals(original.sha("vda"), TestDomain.imageSha(Path.of(instance.path("disks").path("vda").asText()), dir),
                    name + " restores its member's disk");
        }
        assertEquals(2, restored.path("result").path("instances").size(), restored.toString());

        JsonNode clone = fixture.agentJob(a.url(), admin, worker, "/api/v1/instances/" + web.name + "/clone",
                "{\"name\": \"" + web.name + "-c\"}");
        web.adopt(web.name + "-c");
        assertEquals(web.sha("vda"), TestDomain.imageSha(Path.of(clone.path("result").path("disks").path("vda").asText()),
                dir), "the clone has the disk");
        JsonNode groupClone = fixture.agentJob(a.url(), admin, worker, "/api/v1/groups/shop/clone", "{\"suffix\": \"-gc\"}");
        web.adopt(web.name + "-gc");
        web.adopt(db.name + "-gc");
        System.out.println("on the agent: group backup " + backup.path("result").path("groupPoint") + ", group restore, clone "
                + clone.path("result").path("name") + ", group clone " + groupClone.path("result"));

        JsonNode drill = fixture.agentJob(a.url(), admin, worker, "/api/v1/instances/" + web.name + "/drills", "{}");
        System.out.println("drill on the agent: " + drill.path("result"));
        assertFalse(drill.path("result").path("passed").asBoolean(), drill.toString());
        assertEquals("BOOT", drill.path("result").path("failedPhase").asText(), drill.toString());
        String webId = TestDomain.virsh("domuuid", web.name).trim();
        assertEquals(List.of(drill.path("id").asText()), catalog.drillRuns().ofInstance(webId, 10).stream()
                .map(coffer.engine.catalog.DrillRun::jobId).toList(), "the drill's run is in the servers' catalog");
    }

    /**
     * Kills server {@code a} (-9) once {@code job} started on the agent {@code worker} (its first log line came through:
     * the claim's answer reached the agent) and while it runs; the job ends succeeded, seen through {@code b}.
     */
    private JsonNode succeedsThroughBWhenAIsKilled(ServerProcess.Running a, ServerProcess.Running b, Catalog catalog,
                                                   String admin, String job, String worker, String what) throws Exception {
        fixture.awaitStartedOn(b.url(), admin, job, worker, what);
        a.process().destroyForcibly().waitFor();
        Job afterKill = catalog.jobs().find(job).orElseThrow();
        System.out.println("killed server a (-9) with " + afterKill.type() + " job " + job + " " + afterKill.state() + " at "
                + afterKill.bytesDone() + " of " + afterKill.bytesTotal() + " bytes; worker " + worker);
        assertFalse(afterKill.state().isFinal(), "the job still ran when its server was killed: " + afterKill);
        JsonNode ended = fixture.awaitEnd(b.url(), admin, job);
        assertEquals("succeeded", ended.path("state").asText(), ended + "\nagent output: " + fixture.agentOutput());
        return ended;
    }

    /** Disk vda of {@code point} restored raw by the agent {@code worker} (through {@code url}) into the file {@code name}. */
    private Path restoredOnAgent(String url, String admin, String worker, String point, String name) throws Exception {
        Path restored = fixture.restores().resolve(name);
        fixture.agentJob(url, admin, worker, "/api/v1/points/" + point + "/restore-disk",
                "{\"disk\": \"vda\", \"to\": \"" + restored + "\", \"format\": \"raw\"}");
        return restored;
    }

    /** A backup through {@code url} that the agent {@code worker} ran, ended succeeded. */
    private JsonNode agentBackup(String url, String admin, TestDomain domain, String worker) throws Exception {
        return fixture.agentJob(url, admin, worker, "/api/v1/instances/" + domain.name + "/backups", "{}");
    }
}

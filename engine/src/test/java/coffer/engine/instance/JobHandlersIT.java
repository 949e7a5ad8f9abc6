package coffer.engine.instance;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.catalog.PointRecord;
import coffer.engine.job.Job;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.job.handler.PlanPointFields;
import coffer.engine.vault.LocalVaults;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job handlers through a real runner, catalog and libvirt domain: a backup job records its point with
 * sizes, a restore_disk job writes exactly the disk's content. (In this package for {@link TestDomain}.)
 */
class JobHandlersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    TestDomain domain;
    LocalVaults vaults;
    Catalog catalog;
    JobRunner runner;
    Path restores;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Path keyRing = dir.resolve("keyring.json");
        Vault.create(new LocalDirectoryBackend(vaultDir), 256 * 1024, new LocalKeyRing(keyRing)).close();
        vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(vaultDir, keyRing)), "default");
        catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")));
        catalog.hosts().ensure("local", "qemu:///system");
        restores = Files.createDirectories(dir.resolve("restores"));
        Path runtime = Files.createDirectories(dir.resolve("run"));
        runner = new JobRunner(catalog, JobRunner.newWorkerId(), JobHandlers.handlers(catalog, vaults, runtime,
                RestoreDirectories.under(java.util.List.of(restores))),
                JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5)));
        runner.start();
    }

    @AfterEach
    void tearDown() {
        if (runner != null) {
            runner.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (vaults != null) {
            vaults.close();
        }
        if (domain != null) {
            domain.close();
        }
    }

    private Job awaitEnd(Job job) throws InterruptedException {
        return JobEnd.await(catalog.jobs(), job, Duration.ofMinutes(3));
    }

    @Test
    void aBackupJobRecordsItsPointAndARestoreDiskJobWritesTheDiskContent() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("vda", "qcow2");
        domain = TestDomain.create(dir, formats, 16);
        Instance instance = new InstanceRefresh(catalog, Clock.systemUTC()).refresh("local").stream()
                .filter(i -> i.name().equals(domain.name)).findFirst().orElseThrow();
        assertEquals("running", instance.state());

        ObjectNode backupParams = JSON.createObjectNode().put("retentionDays", 7).put("appConsistent", false);
        Job backup = awaitEnd(catalog.jobs().submit(JobType.backup, instance.id(), "local", backupParams));
        assertEquals(JobState.succeeded, backup.state(), backup.errorCode() + ": " + backup.errorMessage());
        String pointId = backup.result().get("point").asText();
        assertEquals("full", backup.result().get("disks").get(0).get("mode").asText());
        PointRecord point = catalog.points().find(pointId).orElseThrow();
        assertEquals(instance.id(), point.instanceId());
        assertEquals(16L << 20, point.logicalBytes());
        assertTrue(point.storedBytes() > 0 && point.storedBytes() < point.logicalBytes(), "stored " + point.storedBytes());
        assertEquals(backup.id(), point.jobId());
        assertTrue(point.expiresAt().isAfter(Instant.now().plus(Duration.ofDays(6))));
        assertEquals(16L << 20, backup.bytesTotal());
        assertEquals(null, vaults.open("default").point(pointId).attributes().get(PointAttributes.PLAN), "a manual point");

        // a plan's run hands its plan and policy to the backup, which records them in the manifest
        ObjectNode planParams = JSON.createObjectNode().put(PlanPointFields.PLAN_ID, "plan-9")
                .put(PlanPointFields.POLICY_ID, "policy-9").put(PlanPointFields.POLICY_IMMUTABLE, true);
        Job planned = awaitEnd(catalog.jobs().submit(JobType.backup, instance.id(), "local", planParams));
        assertEquals(JobState.succeeded, planned.state(), planned.errorCode() + ": " + planned.errorMessage());
        Map<String, String> recorded = vaults.open("default").point(planned.result().get("point").asText()).attributes();
        assertEquals("plan-9", recorded.get(PointAttributes.PLAN));
        assertEquals("policy-9", recorded.get(PointAttributes.POLICY));
        assertEquals("true", recorded.get(PointAttributes.POLICY_IMMUTABLE));
        Job half = awaitEnd(catalog.jobs().submit(JobType.backup, instance.id(), "local",
                JSON.createObjectNode().put(PlanPointFields.PLAN_ID, "plan-9")));
        assertEquals("InvalidArgument", half.errorCode());
        assertTrue(half.errorMessage().contains("planId"), half.errorMessage());

        Path restored = dir.resolve("restored-vda.raw");
        ObjectNode restoreParams = JSON.createObjectNode().put("disk", "vda").put("to", restored.toString())
                .put("format", "raw");
        Job restore = awaitEnd(catalog.jobs().submit(JobType.restore_disk, pointId, "local", restoreParams));
        assertEquals(JobState.succeeded, restore.state(), restore.errorCode() + ": " + restore.errorMessage());
        assertEquals(domain.sha("vda"), TestDomain.sha256(restored));

        // a server-side restore writes only under the restore directories and beside the instance's own disks
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("cron-like");
        Job outside = awaitEnd(catalog.jobs().submit(JobType.restore_disk, pointId, "local",
                JSON.createObjectNode().put("disk", "vda").put("to", elsewhere.toString()).put("format", "raw")));
        assertEquals("RestoreTargetNotAllowed", outside.errorCode(), outside.state() + ": " + outside.errorMessage());
        assertTrue(outside.errorMessage().contains(restores.toString()), outside.errorMessage());
        assertTrue(Files.notExists(elsewhere) && Files.notExists(Path.of(elsewhere + ".coffer-restore")), "nothing written");
        Path escape = restores.resolve("escape");
        Files.createSymbolicLink(escape, elsewhere.getParent());
        Job viaLink = awaitEnd(catalog.jobs().submit(JobType.restore_disk, pointId, "local",
                JSON.createObjectNode().put("disk", "vda").put("to", escape.resolve("x").toString())));
        assertEquals("RestoreTargetNotAllowed", viaLink.errorCode(), viaLink.state() + ": " + viaLink.errorMessage());
        Job dotDot = awaitEnd(catalog.jobs().submit(JobType.restore_disk, pointId, "local",
                JSON.createObjectNode().put("disk", "vda").put("to", restores + "/../elsewhere/y")));
        assertEquals("RestoreTargetNotAllowed", dotDot.errorCode(), dotDot.state() + ": " + dotDot.errorMessage());
        Path inside = Files.createDirectories(restores.resolve("web")).resolve("vda.raw");
        Job allowed = awaitEnd(catalog.jobs().submit(JobType.restore_disk, pointId, "local",
                JSON.createObjectNode().put("disk", "vda").put("to", inside.toString()).put("format", "raw")));
        assertEquals(JobState.succeeded, allowed.state(), allowed.errorCode() + ": " + allowed.errorMessage());
        assertEquals(domain.sha("vda"), TestDomain.sha256(inside));

        Job bad = awaitEnd(catalog.jobs().submit(JobType.restore_disk, pointId, "local",
                JSON.createObjectNode().put("disk", "vda").put("to", restored.toString()).put("format", "vmdk")));
        assertEquals("InvalidArgument", bad.errorCode());
        assertTrue(bad.errorMessage().contains("'format'"), bad.errorMessage());
    }

    @Test
    void anAppConsistentBackupJobOfADomainWithoutAgentRecordsCrashWithTheReason() throws Exception {
        domain = TestDomain.create(dir, Map.of("vda", "qcow2"), 8);
        Instance instance = new InstanceRefresh(catalog, Clock.systemUTC()).refresh("local").stream()
                .filter(i -> i.name().equals(domain.name)).findFirst().orElseThrow();
        ObjectNode params = JSON.createObjectNode();
        params.putObject("appConsistent").put("freezeFileSystems", true).put("scriptTimeoutSeconds", 5);
        Job backup = awaitEnd(catalog.jobs().submit(JobType.backup, instance.id(), "local", params));
        assertEquals(JobState.succeeded, backup.state(), backup.errorCode() + ": " + backup.errorMessage());
        assertEquals("CRASH", backup.result().path("consistency").asText(), backup.result().toString());
        assertTrue(backup.result().path("consistencyReason").asText().startsWith("no guest agent"), backup.result().toString());
        PointRecord point = catalog.points().find(backup.result().path("point").asText()).orElseThrow();
        assertEquals("CRASH", point.consistency());

        ObjectNode bad = JSON.createObjectNode();
        bad.putObject("appConsistent").put("scriptTimeoutSeconds", 0).put("freeze", true);
        Job refused = awaitEnd(catalog.jobs().submit(JobType.backup, instance.id(), "local", bad));
        assertEquals("InvalidArgument", refused.errorCode());
        assertTrue(refused.errorMessage().contains("appConsistent.scriptTimeoutSeconds")
                && refused.errorMessage().contains("appConsistent.freeze:"), refused.errorMessage());
    }
}

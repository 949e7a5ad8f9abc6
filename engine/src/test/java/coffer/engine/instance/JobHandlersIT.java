package coffer.engine.instance;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.PlanRun;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.CalendarUnit;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.vault.LocalVaults;
import coffer.vault.Vault;
import coffer.testing.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job handlers through a real runner, catalog and libvirt domain: a backup job records its point with
 * sizes, a restore_disk job writes exactly the disk's content; a plan's run of an immutable policy is immutable in the
 * vault and in the catalog from the moment it exists (this runner has no PlanBackup after the backup). (In this package for {@link TestDomain}.)
 */
class JobHandlersIT {
    @TempDir Path dir;
    TestDomain domain;
    JobRunnerFixture fx;
    LocalVaults vaults;
    Catalog catalog;
    Path restores;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        fx = JobRunnerFixture.start(dir);
        vaults = fx.vaults;
        catalog = fx.catalog;
        restores = fx.restores;
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
        if (domain != null) {
            domain.close();
        }
    }

    private Job awaitEnd(Job job) throws InterruptedException {
        return fx.awaitEnd(job, Duration.ofMinutes(3));
    }

    @Test
    void aBackupJobRecordsItsPointAndARestoreDiskJobWritesTheDiskContent() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("vda", "qcow2");
        domain = TestDomain.create(dir, formats, 16);
        Instance instance = fx.instance(domain.name);
        assertEquals("running", instance.state());

        Job backup = awaitEnd(catalog.jobs().submit(new BackupInstance(instance.id(), null, null, 7, null, false, null, null, null), "local"));
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
        assertEquals(null, PointFacts.of(vaults.open("default").point(pointId)).plan(), "a manual point");

        // a plan's run names its plan and policy, which the backup records in the manifest
        String policy = catalog.policies().create(new Policy("locked", Schedule.parse("I|1631685600|PT1H"),
                Retention.keepFor(new RetentionPeriod.Finite(1, CalendarUnit.DAYS)), true, ReplicationRule.OFF, ArchiveRule.OFF)).id();
        Job planned = awaitEnd(catalog.jobs().submit(new BackupInstance(instance.id(), null, null, null, null, false, null,
                new PlanRun("plan-9", policy, "now", 0, null), null), "local"));
        assertEquals(JobState.succeeded, planned.state(), planned.errorCode() + ": " + planned.errorMessage());
        PointFacts.Plan recorded = PointFacts.of(vaults.open("default").point(planned.result().get("point").asText())).plan();
        assertEquals(new PointFacts.Plan("plan-9", policy, true), recorded);
        // immutable from birth: this runner has no PlanBackup, as a server killed right after the commit, before the
        // catalog's hold; the manifest alone holds the point for the policy's keep-for, so the vault refuses a delete
        Vault vault = vaults.open("default");
        coffer.vault.PointManifest lockedPoint = vault.point(planned.result().get("point").asText());
        assertEquals(lockedPoint.createdAt().plus(Duration.ofDays(1)), lockedPoint.immutableUntil());
        assertEquals(lockedPoint.immutableUntil(), vault.immutableUntil(lockedPoint), "the hold written after the manifest");
        assertThrows(coffer.vault.PointImmutableException.class, () -> vault.deletePoint(lockedPoint.id()));
        assertEquals(null, vault.point(pointId).immutableUntil(), "a manual point is not immutable");
        coffer.engine.catalog.PointRetention lockedRow = catalog.pointRetentions().find(lockedPoint.id()).orElseThrow();
        assertTrue(lockedRow.immutable() && policy.equals(lockedRow.policyId()) && "plan-9".equals(lockedRow.planId()),
                "the row is written marked, in one transaction: " + lockedRow);
        assertEquals(false, catalog.pointRetentions().find(pointId).orElseThrow().immutable());

        Path restored = dir.resolve("restored-vda.raw");
        Job restore = awaitEnd(catalog.jobs().submit(new RestoreDisk(pointId, "vda", restored.toString(), "raw", false, false),
                "local"));
        assertEquals(JobState.succeeded, restore.state(), restore.errorCode() + ": " + restore.errorMessage());
        assertEquals(domain.sha("vda"), TestData.sha256(restored));

        Job existing = awaitEnd(catalog.jobs().submit(new RestoreDisk(pointId, "vda", restored.toString(), "raw", false, false),
                "local"));
        assertEquals("TargetExists", existing.errorCode(), existing.errorMessage());

        // a server-side restore writes only under the restore directories and beside the instance's own disks
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("cron-like");
        Job outside = awaitEnd(catalog.jobs().submit(new RestoreDisk(pointId, "vda", elsewhere.toString(), "raw", false, false),
                "local"));
        assertEquals("RestoreTargetNotAllowed", outside.errorCode(), outside.state() + ": " + outside.errorMessage());
        assertTrue(outside.errorMessage().contains(restores.toString()), outside.errorMessage());
        assertTrue(Files.notExists(elsewhere) && Files.notExists(Path.of(elsewhere + ".coffer-restore")), "nothing written");
        Path escape = restores.resolve("escape");
        Files.createSymbolicLink(escape, elsewhere.getParent());
        Job viaLink = awaitEnd(catalog.jobs().submit(new RestoreDisk(pointId, "vda", escape.resolve("x").toString(), null,
                false, false), "local"));
        assertEquals("RestoreTargetNotAllowed", viaLink.errorCode(), viaLink.state() + ": " + viaLink.errorMessage());
        Job dotDot = awaitEnd(catalog.jobs().submit(new RestoreDisk(pointId, "vda", restores + "/../elsewhere/y", null,
                false, false), "local"));
        assertEquals("RestoreTargetNotAllowed", dotDot.errorCode(), dotDot.state() + ": " + dotDot.errorMessage());
        Path inside = Files.createDirectories(restores.resolve("web")).resolve("vda.raw");
        Job allowed = awaitEnd(catalog.jobs().submit(new RestoreDisk(pointId, "vda", inside.toString(), "raw", false, false),
                "local"));
        assertEquals(JobState.succeeded, allowed.state(), allowed.errorCode() + ": " + allowed.errorMessage());
        assertEquals(domain.sha("vda"), TestData.sha256(inside));

        // in place over the shut-off instance: a quick rollback of what changed since the newest point (the planned
        // one), said in the result and the job's log; the progress counts the bytes written
        String atPoint = domain.sha("vda");
        domain.writeRandom("vda", 2L << 20, 100_000, 7);
        TestDomain.virsh("destroy", domain.name);
        Job inPlace = awaitEnd(catalog.jobs().submit(RestoreInstance.inPlaceOf(pointId), "local"));
        assertEquals(JobState.succeeded, inPlace.state(), inPlace.errorCode() + ": " + inPlace.errorMessage());
        var write = inPlace.result().get("writes").get("vda");
        assertEquals("quick", write.get("mode").asText(), write.toString());
        assertEquals(write.get("bytesWritten").asLong(), inPlace.bytesTotal());
        assertTrue(write.get("bytesWritten").asLong() < 4L << 20, write.toString());
        String summary = write.get("summary").asText();
        assertTrue(catalog.jobs().log(inPlace.id()).stream().anyMatch(e -> e.message().equals("disk vda: " + summary)),
                "logged: " + summary);
        assertEquals(atPoint, TestDomain.imageSha(domain.disks.get("vda"), dir));
    }

    @Test
    void anAppConsistentBackupJobOfADomainWithoutAgentRecordsCrashWithTheReason() throws Exception {
        domain = TestDomain.create(dir, Map.of("vda", "qcow2"), 8);
        Instance instance = fx.instance(domain.name);
        Job backup = awaitEnd(catalog.jobs().submit(new BackupInstance(instance.id(), null, null, null,
                AppConsistency.of(true, null, 5), false, null, null, null), "local"));
        assertEquals(JobState.succeeded, backup.state(), backup.errorCode() + ": " + backup.errorMessage());
        assertEquals("CRASH", backup.result().path("consistency").asText(), backup.result().toString());
        assertTrue(backup.result().path("consistencyReason").asText().startsWith("no guest agent"), backup.result().toString());
        PointRecord point = catalog.points().find(backup.result().path("point").asText()).orElseThrow();
        assertEquals("CRASH", point.consistency());

    }
}

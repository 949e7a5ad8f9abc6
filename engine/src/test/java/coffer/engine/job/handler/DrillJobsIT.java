package coffer.engine.job.handler;

import coffer.engine.JobProgress;
import coffer.engine.alert.ChangeRules;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.drill.DrillBudget;
import coffer.engine.drill.DrillSettings;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.ListDrills;
import coffer.engine.operation.PointDetail;
import coffer.engine.operation.ShowPoint;
import coffer.engine.operation.hosted.HostedOperations;
import coffer.engine.plan.PlanBinding;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.plan.PointLifecycle;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.policy.Stagger;
import coffer.engine.vault.LocalVaults;
import coffer.engine.verify.VerifySettings;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.FixedIndex;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore drills as jobs (job type {@code drill}) with the real test guest (scripts/make-test-guest, TCG), on a
 * PostgreSQL catalog, asked through the server's operations: a passing drill with a check command, a failing check
 * command, a point whose disk is damaged on purpose (the drill fails in RESTORE naming the chunk). Each drill is the
 * job's result; the instance's list shows it and "proven bootable at", as does its point. The original is backed up
 * shut off and never started; no copy or directory is left. (The engine-level cases: RestoreDrillIT.)
 */
class DrillJobsIT {
    @TempDir static Path dir;
    static TestGuest original;
    static TestDatabase database;
    static Catalog catalog;
    static LocalVaults vaults;
    static JobRunner runner;
    static HostedOperations operations;
    static Instance instance;
    static String pointId;

    @BeforeAll
    static void setUp() throws Exception {
        TestGuest.requireGuestSupport();
        original = TestGuest.define(dir, true);
        database = TestDatabase.postgres();
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("local", "qemu:///system");
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Path keyRing = dir.resolve("keyring.json");
        Vault.create(new LocalDirectoryBackend(vaultDir), 1 << 20, new LocalKeyRing(keyRing)).close();
        vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(vaultDir, keyRing)), "default");
        DrillSettings drills = new DrillSettings(dir.resolve("drills"), 1, Duration.ofMinutes(1), Duration.ofMinutes(3),
                Duration.ofMinutes(1), 4000);
        runner = new JobRunner(catalog, JobRunner.newWorkerId(), JobHandlers.handlers(catalog, vaults,
                Files.createDirectories(dir.resolve("run")), RestoreDirectories.under(List.of(dir.resolve("restores"))),
                new JobHandlers.Assurance(VerifySettings.DEFAULTS, drills, new DrillBudget(1), ChangeRules.DEFAULTS)),
                JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5)));
        runner.start();
        PlanScheduler scheduler = new PlanScheduler(catalog, Clock.systemUTC(), Stagger.DEFAULT);
        PointLifecycle points = new PointLifecycle(catalog, vaults, Clock.systemUTC());
        operations = new HostedOperations(catalog, vaults, scheduler, new PlanBinding(catalog, scheduler, points), points,
                new RetentionSweep(catalog, vaults, Clock.systemUTC()), new HostedOperations.Settings(List.of(), 99,
                host -> {
                }, Clock.systemUTC(), coffer.engine.replication.Regions.local(List.of("default"), List.of("local"))));
        instance = new InstanceRefresh(catalog, Clock.systemUTC()).refresh("local").stream()
                .filter(i -> i.name().equals(original.name())).findFirst().orElseThrow();
        Job backup = JobEnd.await(catalog.jobs(), catalog.jobs().submit(new BackupInstance(instance.id(), null, null, null,
                null, false, null, null, null), "local"), Duration.ofMinutes(3));
        assertEquals(JobState.succeeded, backup.state(), backup.errorMessage());
        pointId = backup.result().get("point").asText();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
        if (vaults != null) {
            vaults.close();
        }
        if (original != null) {
            original.close();
        }
    }

    private static DrillResult drill(List<String> check) throws Exception {
        DrillResult result = operations.start(new DrillInstance(original.name(), check)).await(JobProgress.NONE);
        try (Libvirt libvirt = Libvirt.connect("qemu:///system")) {
            assertFalse(libvirt.state(original.name()).active(), "the original was never started");
            for (var domain : libvirt.domains()) { // other processes may run drills of their own on this host
                if (domain.name().startsWith("coffer-drill-")) {
                    String xml;
                    try {
                        xml = libvirt.domainXml(domain.name(), true);
                    } catch (java.io.IOException gone) {
                        continue;
                    }
                    assertFalse(xml.contains("dir=" + dir.resolve("drills")), "a copy of this test's drill is left: " + domain.name());
                }
            }
        }
        try (Stream<Path> left = Files.exists(dir.resolve("drills")) ? Files.list(dir.resolve("drills")) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "no drill directory is left");
        }
        Job job = catalog.jobs().find(result.job()).orElseThrow();
        assertEquals(JobState.succeeded, job.state(), "a drill that ran is the job's result, passed or not");
        assertEquals(result, CofferJson.read(job.result(), DrillResult.class));
        return result;
    }

    @Test
    void drillsAsJobsPassFailTheirCheckOrFailOnADamagedPointAndShowWhenThePointWasProvenBootable() throws Exception {
        DrillResult passed = drill(List.of("/bin/sh", "-c", "echo drill-ok; test -d /data"));
        assertTrue(passed.passed(), passed.reason());
        assertEquals(pointId, passed.point());
        assertEquals(instance.id(), passed.instance());
        assertEquals(0, passed.checkExit());
        assertTrue(passed.checkOutput().startsWith("drill-ok"), passed.checkOutput());
        assertTrue(passed.restoreMillis() > 0 && passed.bootToAgentMillis() > 0 && passed.checkMillis() >= 0, passed.toString());
        System.out.printf("[drill job] restore %d ms, boot to agent %d ms, check %d ms%n", passed.restoreMillis(),
                passed.bootToAgentMillis(), passed.checkMillis());

        DrillResult failedCheck = drill(List.of("/bin/sh", "-c", "echo no database >&2; exit 3"));
        assertFalse(failedCheck.passed());
        assertEquals(DrillRun.Phase.CHECK, failedCheck.failedPhase());
        assertEquals(3, failedCheck.checkExit());
        assertTrue(failedCheck.reason().contains("exit code 3") && failedCheck.checkOutput().contains("no database"),
                failedCheck.toString());
        assertTrue(catalog.jobs().log(failedCheck.job()).stream().anyMatch(e -> e.message().startsWith("drill FAILED in phase CHECK")),
                "the failure is in the job's log");

        String chunk;
        Vault vault = vaults.open("default");
        PointManifest point = vault.point(pointId);
        FixedIndex index = vault.readIndex(point, point.disk("vda"));
        String found = null;
        for (int i = 0; i < index.chunkCount() && found == null; i++) {
            if (!index.get(i).isZero()) {
                found = index.get(i).objectName();
            }
        }
        chunk = found;
        ByteBuffer stored = vault.backend().get(chunk);
        byte[] bytes = new byte[stored.remaining()];
        stored.get(bytes);
        vault.backend().put(chunk, ByteBuffer.wrap(TestData.flipBit(bytes, 8L * (bytes.length / 2))));
        DrillResult damaged;
        try {
            damaged = drill(List.of());
        } finally {
            vault.backend().put(chunk, ByteBuffer.wrap(bytes));
        }
        assertFalse(damaged.passed());
        assertEquals(DrillRun.Phase.RESTORE, damaged.failedPhase());
        assertTrue(damaged.reason().startsWith("DataCorrupt: ") && damaged.reason().contains(chunk), damaged.reason());
        assertNull(damaged.bootToAgentMillis(), "never booted");

        DrillList list = operations.call(new ListDrills(original.name(), null));
        assertEquals(1, list.count());
        DrillList.InstanceDrills drills = list.instances().getFirst();
        assertEquals(List.of(damaged.id(), failedCheck.id(), passed.id()), drills.drills().stream().map(DrillResult::id).toList(),
                "newest first");
        assertEquals(passed.finishedAt(), drills.provenBootableAt(), "proven bootable by the passing drill");
        assertEquals(pointId, drills.provenPoint());
        PointDetail detail = operations.call(new ShowPoint(pointId));
        assertEquals(passed.finishedAt(), detail.provenBootableAt());
    }
}

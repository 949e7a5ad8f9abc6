package coffer.engine.job.handler;

import coffer.engine.JobProgress;
import coffer.engine.alert.ChangeRules;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.drill.DrillBudget;
import coffer.engine.drill.DrillSettings;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.AcknowledgeAlert;
import coffer.engine.operation.AlertList;
import coffer.engine.operation.AlertView;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ListAlerts;
import coffer.engine.operation.ListVerifyRuns;
import coffer.engine.operation.VerifyResult;
import coffer.engine.operation.VerifyRunList;
import coffer.engine.operation.VerifyVault;
import coffer.engine.operation.hosted.HostedOperations;
import coffer.engine.plan.PlanBinding;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.plan.PointLifecycle;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.policy.Stagger;
import coffer.engine.vault.LocalVaults;
import coffer.engine.verify.VerifySettings;
import coffer.testing.MutableClock;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assurance jobs through a real runner, a PostgreSQL catalog and a running no-OS libvirt domain (guest writes made
 * from the host with qemu-io): a verify job takes no place in its host's job limit and no lock, so a backup job runs to
 * its end while the verify is held in the middle of its reads; a second verify of the vault is refused meanwhile; the
 * backup job judges each incremental's change and raises change alerts on the point and the job; retention holds the
 * instance's older points until the alerts are acknowledged (by the caller named).
 */
class AssuranceJobsIT {
    private static final int MIB = 1 << 20;
    /** The defaults scaled to a 64 MiB disk: 4× the median and at least 8 MiB; 0.9 incompressible against ≤ 0.7. */
    private static final ChangeRules RULES = new ChangeRules(14, 3, 4.0, 8L * MIB, 0.9, 0.7, 64 * 1024);

    @TempDir Path dir;
    TestDatabase database;
    Catalog catalog;
    LocalVaults vaults;
    TestDomain domain;
    JobRunner runner;
    HostedOperations operations;
    final MutableClock clock = new MutableClock(Instant.now());
    /** Releases the verify held in the middle of its reads. */
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch reading = new CountDownLatch(1);
    volatile boolean holdVerify;
    /** Holds the verify once its indexes are read (on the job's own thread), until it is cancelled. */
    volatile boolean holdStart;
    final CountDownLatch started = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        database = TestDatabase.postgres();
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("local", "qemu:///system");
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Path keyRing = dir.resolve("keyring.json");
        Vault.create(new LocalDirectoryBackend(vaultDir), 256 * 1024, new LocalKeyRing(keyRing)).close();
        vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(vaultDir, keyRing)), "default");
        DrillSettings drills = DrillSettings.defaults(dir.resolve("drills"));
        Map<JobType, JobHandler<?, ?>> handlers = new HashMap<>(JobHandlers.handlers(catalog, vaults,
                Files.createDirectories(dir.resolve("run")), RestoreDirectories.under(List.of(dir.resolve("restores"))),
                new JobHandlers.Assurance(VerifySettings.DEFAULTS, drills, new DrillBudget(1), RULES)));
        @SuppressWarnings("unchecked")
        JobHandler<VerifyVault, VerifyResult> verify = (JobHandler<VerifyVault, VerifyResult>) handlers.get(JobType.verify);
        handlers.put(JobType.verify, (JobHandler<VerifyVault, VerifyResult>) (op, job, context) ->
                verify.run(op, job, holdVerify || holdStart ? held(context) : context));
        // one running job per host: a verify that took a place would keep the backup queued
        runner = new JobRunner(catalog, JobRunner.newWorkerId(), handlers, JobRunner.Settings.defaults()
                .withPerHostLimit(1).withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5)));
        runner.start();
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        PointLifecycle points = new PointLifecycle(catalog, vaults, clock);
        operations = new HostedOperations(catalog, vaults, scheduler, new PlanBinding(catalog, scheduler, points), points,
                new RetentionSweep(catalog, vaults, clock), new HostedOperations.Settings(List.of(), 99, host -> {
        }, clock, coffer.engine.replication.Regions.local(List.of("default"), List.of("local"))));
    }

    /** The verify's context, whose progress holds the first chunk read until {@link #release}. */
    private JobContext held(JobContext context) {
        JobProgress real = context.progress();
        JobProgress holding = new JobProgress() {
            @Override
            public void starting(long totalBytes) {
                real.starting(totalBytes);
                if (holdStart) {
                    started.countDown();
                    try {
                        release.await(3, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // cancelled: the verify stops as it does on any interrupt
                    }
                }
            }

            @Override
            public void advance(long bytes) {
                reading.countDown();
                try {
                    release.await(3, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                real.advance(bytes);
            }
        };
        return new JobContext() {
            @Override
            public JobProgress progress() {
                return holding;
            }

            @Override
            public void info(String message) {
                context.info(message);
            }

            @Override
            public void warning(String message) {
                context.warning(message);
            }
        };
    }

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
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
        if (domain != null) {
            domain.close();
        }
    }

    private Job awaitEnd(Job job) throws InterruptedException {
        Job end = JobEnd.await(catalog.jobs(), job, Duration.ofMinutes(3));
        assertEquals(JobState.succeeded, end.state(), job.type() + ": " + end.errorCode() + ": " + end.errorMessage());
        return end;
    }

    private Instance instance() {
        return new InstanceRefresh(catalog, Clock.systemUTC()).refresh("local").stream()
                .filter(i -> i.name().equals(domain.name)).findFirst().orElseThrow();
    }

    private Job backup(Instance instance) throws InterruptedException {
        return awaitEnd(catalog.jobs().submit(new BackupInstance(instance.id(), null, null, 1, null, false, null, null, null), "local"));
    }

    @Test
    void aBackupJobRunsToItsEndWhileAVerifyJobIsHeldInTheMiddleOfItsReads() throws Exception {
        domain = TestDomain.create(dir, Map.of("vda", "qcow2"), 32);
        domain.write("vda", 0, 8L * MIB, 0x31);
        Instance instance = instance();
        String first = backup(instance).result().get("point").asText();

        holdVerify = true;
        Job verify = catalog.jobs().submit(new VerifyVault("default", VerifyRun.Kind.FULL, false), "local");
        assertTrue(reading.await(2, TimeUnit.MINUTES), "the verify job started reading");
        CofferException twice = assertThrows(CofferException.class,
                () -> operations.start(new VerifyVault(null, VerifyRun.Kind.SAMPLED, false)));
        assertEquals(ErrorCode.VerifyRunning, twice.code(), twice.getMessage());
        assertTrue(twice.getMessage().contains(verify.id()), twice.getMessage());

        domain.write("vda", 16L * MIB, 4L * MIB, 0x32);
        Job second = backup(instance); // with one place per host: only because the verify took none, and no lock
        assertEquals(JobState.running, catalog.jobs().find(verify.id()).orElseThrow().state(), "the verify still reads");
        assertEquals("incremental", second.result().get("disks").get(0).get("mode").asText());

        release.countDown();
        Job verified = awaitEnd(verify);
        VerifyResult result = result(verified, VerifyResult.class);
        assertEquals(0, result.run().damagedRanges());
        assertTrue(result.run().points() >= 1 && result.run().chunksChecked() > 0, result.toString());
        assertEquals(verify.id(), result.run().job());
        VerifyRunList runs = operations.call(new ListVerifyRuns(null, null));
        assertEquals(List.of(result.run()), runs.runs(), "the run is recorded, with its job");
        assertTrue(catalog.points().find(first).isPresent() && catalog.points().find(second.result().get("point").asText()).isPresent());

        // the next sampled verify of the vault reads the first slice of its rotation
        holdVerify = false;
        Job sampled = awaitEnd(catalog.jobs().find(operations.start(new VerifyVault(null, VerifyRun.Kind.SAMPLED, null))
                .job().orElseThrow().id()).orElseThrow());
        VerifyResult slice = result(sampled, VerifyResult.class);
        assertEquals(VerifyRun.Kind.SAMPLED, slice.run().kind());
        assertEquals(0, slice.run().slice());
        assertEquals(VerifySettings.DEFAULTS.slices(), slice.run().slices());
        assertTrue(slice.run().chunksChecked() < result.run().chunksChecked(), "a slice reads fewer chunks: " + slice);
    }

    @Test
    void aVerifyJobCancelledWhileItRunsEndsCancelledRecordsNoRunAndTheNextOneRuns() throws Exception {
        holdStart = true;
        coffer.engine.operation.JobView job = operations.start(new VerifyVault(null, VerifyRun.Kind.SAMPLED, null)).job().orElseThrow();
        assertTrue(started.await(2, TimeUnit.MINUTES), "the verify job started");
        operations.call(new coffer.engine.operation.CancelJob(job.id()));
        Job cancelled = JobEnd.await(catalog.jobs(), catalog.jobs().find(job.id()).orElseThrow(), Duration.ofMinutes(1));
        assertEquals(JobState.cancelled, cancelled.state(), cancelled.errorMessage());
        assertEquals("Cancelled", cancelled.errorCode());
        assertEquals(0, operations.call(new ListVerifyRuns(null, null)).count(), "a cancelled run is not recorded");

        holdStart = false;
        Job next = awaitEnd(catalog.jobs().find(operations.start(new VerifyVault(null, VerifyRun.Kind.SAMPLED, null))
                .job().orElseThrow().id()).orElseThrow());
        assertEquals(0, result(next, VerifyResult.class).run().slice(), "the rotation did not advance past the cancelled run");
    }

    @Test
    void aBackupJobRaisesChangeAlertsOnItsPointAndJobAndRetentionHoldsUntilTheyAreAcknowledged() throws Exception {
        domain = TestDomain.create(dir, Map.of("vda", "qcow2"), 64);
        Instance instance = instance();
        List<String> points = new ArrayList<>();
        Job full = backup(instance);
        points.add(full.result().get("point").asText());
        for (int run = 1; run <= 3; run++) { // ordinary days: a few MiB of (compressible) writes
            domain.write("vda", (long) run * 4 * MIB, 2L * MIB + run * 64 * 1024, 0x10 + run);
            Job ordinary = backup(instance);
            points.add(ordinary.result().get("point").asText());
            assertTrue(result(ordinary, coffer.engine.operation.BackupResult.class).warnings().isEmpty(), "run " + run);
        }
        assertEquals(List.of(), catalog.changeAlerts().unacknowledged(instance.id()), "ordinary runs raise nothing");

        domain.writeRandom("vda", 8L * MIB, 48 * MIB, 20); // most of the disk, as ransomware encrypting it would
        Job rewrite = backup(instance);
        String alerted = rewrite.result().get("point").asText();
        points.add(alerted);
        List<ChangeAlert> alerts = catalog.changeAlerts().unacknowledged(instance.id());
        assertEquals(Set.of(ChangeAlert.Kind.CHANGE_RATE, ChangeAlert.Kind.ENTROPY),
                alerts.stream().map(ChangeAlert::kind).collect(Collectors.toSet()));
        for (ChangeAlert alert : alerts) {
            assertEquals(alerted, alert.pointId(), "on the point");
            assertEquals(rewrite.id(), alert.jobId(), "and its job");
        }
        List<String> warnings = result(rewrite, coffer.engine.operation.BackupResult.class).warnings();
        assertEquals(2, warnings.stream().filter(w -> w.startsWith("change alert ")).count(), warnings.toString());
        assertEquals(2, catalog.jobs().log(rewrite.id()).stream().filter(e -> e.message().startsWith("change alert ")
                && e.level().equalsIgnoreCase("warning")).count(), "in the job's log");

        AlertList standing = operations.call(new ListAlerts(null, null));
        assertEquals(Set.copyOf(alerts.stream().map(ChangeAlert::id).toList()),
                Set.copyOf(standing.alerts().stream().map(AlertView::id).toList()));
        assertTrue(standing.alerts().stream().allMatch(AlertView::standing));

        // every point expired (1 day); two days later only the alerts keep the older ones
        clock.advance(Duration.ofDays(2));
        RetentionSweep sweep = new RetentionSweep(catalog, vaults, clock);
        assertEquals(List.of(alerted), sweep.sweep(instance.id()).deleted(), "the alerted point itself is not held");
        assertEquals(Set.copyOf(points.subList(0, 4)), rows(instance.id()), "the clean history is held");

        CofferException nobody = assertThrows(CofferException.class,
                () -> operations.call(new AcknowledgeAlert(alerts.getFirst().id(), "checked", null)));
        assertEquals(ErrorCode.InvalidArgument, nobody.code(), "an acknowledgement names who: " + nobody.getMessage());
        for (ChangeAlert alert : alerts) {
            AlertView acknowledged = operations.call(new AcknowledgeAlert(alert.id(), "a planned re-encryption", null)
                    .attributedTo("ops"));
            assertEquals("ops", acknowledged.acknowledgedBy());
            assertEquals("a planned re-encryption", acknowledged.note());
            assertTrue(!acknowledged.standing());
        }
        assertEquals(List.of(), operations.call(new ListAlerts(null, null)).alerts(), "nothing stands");
        assertEquals(2, operations.call(new ListAlerts(instance.name(), null)).count(), "the instance's history keeps them");
        assertEquals(Set.copyOf(points.subList(0, 4)), Set.copyOf(sweep.sweep(instance.id()).deleted()),
                "acknowledged: retention resumes");
    }

    private static <R> R result(Job job, Class<R> type) {
        return coffer.engine.json.CofferJson.read(job.result(), type);
    }

    private Set<String> rows(String uuid) {
        return catalog.points().listByInstance(uuid).stream().map(PointRecord::id).collect(Collectors.toSet());
    }
}

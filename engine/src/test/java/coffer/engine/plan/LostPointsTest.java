package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.PointRetention;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointFacts;
import coffer.engine.job.Job;
import coffer.engine.job.RecordingJobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.PlanRun;
import coffer.engine.replication.Regions;
import coffer.engine.replication.ReplicationQueue;
import coffer.engine.vault.VaultDirectory;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.S3Server;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adoption of a lost backup job's point ({@link LostPoints}, docs/design/catalog.md "Adopting the point of a lost
 * job") on a real catalog and a real vault, a directory and a bucket of the test S3 server: a plan's run of an immutable
 * policy that replicates, its job failed {@code WorkerLost} after its point was committed. The sweep adopts exactly that
 * point (not another instance's in the same seconds, not an older unknown point, not a point still being written),
 * marks it immutable as its policy's with the policy's expiry, holds it in the vault, queues its replication, logs it on
 * the lost job; a second sweep, of this server or another, adopts nothing and queues nothing again.
 */
class LostPointsTest {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir Path dir;
    TestDatabase database;
    Catalog catalog;

    @AfterEach
    void close() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    Vault vault;
    VaultDirectory vaults;
    MutableClock clock;
    StoredPolicy policy;
    Plan plan;
    RetentionSweep sweep;
    ReplicationQueue replications;

    Regions regions;
    /** While set, {@code regionOf("default")} waits here (at most 30 s) until two callers are in it: two adopters. */
    volatile java.util.concurrent.CountDownLatch atTheInsert;

    private void open(boolean onS3) throws Exception {
        open(onS3, "sqlite");
    }

    private void open(boolean onS3, String kind) throws Exception {
        clock = new MutableClock(T0);
        database = kind.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres();
        catalog = Catalog.open(database.config(), clock);
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-web", "local", "web", "running", List.of(), T0, false),
                new Instance("u-db", "local", "db", "running", List.of(), T0, false)));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", T0)));
        vault = onS3
                ? new VaultOpener(dir.resolve("keyring.json")).create(new VaultLocation.Bucket(
                new S3Location(S3Server.shared().newBucket(), "lost"), S3Server.shared().settings()), 256 * 1024, false)
                : Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024, null);
        vaults = new ReplicatingVaults(vault, "local", () -> {
            java.util.concurrent.CountDownLatch race = atTheInsert;
            if (race != null) { // an adoption asks it right before it writes the row
                race.countDown();
                try {
                    race.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        regions = ((ReplicatingVaults) vaults).regions();
        policy = ReplicatingVaults.lockedPolicy(catalog, T0);
        plan = catalog.plans().create("plan-1", "web-hourly", "u-web", policy.id(), T0);
        sweep = new RetentionSweep(catalog, vaults, clock);
        replications = new ReplicationQueue(catalog, vaults, regions, clock);
    }

    private LostPoints lostPoints() {
        return new LostPoints(catalog, vaults, PlanBackup.afterSteps(catalog, sweep, replications), clock);
    }

    /** A plan's run claimed at T0 whose point is committed at T0+10s, lost at T0+20s; returns the point. */
    private String lostRun(Job[] job) throws Exception {
        job[0] = catalog.jobs().submit(new BackupInstance("u-web", "default", null, null, null, false, null,
                new PlanRun(plan.id(), policy.id(), T0.toString(), 0, null), null), "local");
        assertEquals(job[0].id(), catalog.jobs().claimNext("worker-1", 2, T0).orElseThrow().id());
        String made = point(vault, "u-web", T0.plusSeconds(10), PointFacts.ofPlan(plan.id(), policy.id(), true));
        assertTrue(catalog.jobs().failLost(job[0].id(), "worker-1", "worker-1 is gone", T0.plusSeconds(20)));
        return made;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLostRunsCommittedPointIsAdoptedOnceWithItsPolicysLockExpiryAndReplication(boolean onS3) throws Exception {
        open(onS3);
        LostPoints lost = lostPoints();
        String made;
        Job job;
        // the run: claimed at T0, its point committed at T0+10s, its worker lost at T0+20s; beside it an older point
        // the catalog lacks, another instance's point of the same seconds, and a point still being written
        String older = point(vault, "u-web", T0.minus(Duration.ofHours(2)), PointFacts.ofPlan(plan.id(), policy.id(), true));
        String otherInstance = point(vault, "u-db", T0.plusSeconds(12), PointFacts.NONE);
        try (PointWriter writing = PointWriter.begin(vault, "web", T0.plusSeconds(15), 1)) {
            writing.writeDisk("vda", ByteArrayBlockSource.of(new byte[64 * 1024]), "qcow2", null, Progress.NONE);
            Job[] lostJob = new Job[1];
            made = lostRun(lostJob);
            job = lostJob[0];
            clock.set(T0.plusSeconds(30));

            Map<String, Long> before = onS3 ? ((coffer.vault.backend.s3.S3Backend) vault.backend()).requestCounts() : null;
            assertEquals(List.of(made), lost.sweep(), "the lost run's point only, not one still being written");
            if (onS3) {
                Map<String, Long> sent = S3Server.requestsSince(before,
                        ((coffer.vault.backend.s3.S3Backend) vault.backend()).requestCounts());
                System.out.println("S3 requests of one lost job's adoption (finding, row, hold, retention, replication): "
                        + sent);
                assertEquals(1L, sent.getOrDefault("ListObjectsV2", 0L), "one listing of the point ids: " + sent);
            }
        }

        PointRecord row = catalog.points().find(made).orElseThrow();
        assertEquals(job.id(), row.jobId(), "the row names the lost job");
        PointRetention retention = catalog.pointRetentions().find(made).orElseThrow();
        assertTrue(retention.immutable() && policy.id().equals(retention.policyId()), retention.toString());
        assertEquals(vault.point(made).createdAt().plus(Duration.ofDays(1)), row.expiresAt(), "the policy's keep-for");
        assertEquals(vault.point(made).createdAt().plus(Duration.ofDays(1)), vault.readHold(made),
                "the vault's hold is the catalog's lock");
        assertEquals(ErrorCode.BackupPointImmutable, assertThrows(CofferException.class,
                () -> new PointLifecycle(catalog, vaults, clock).delete(made)).code());
        ReplicationRecord replication = catalog.replications().find(made, "east", "east-vault").orElseThrow();
        assertEquals(ReplicationRecord.State.QUEUED, replication.state());
        assertEquals(1, replicateJobs(), "its policy's replication queued");
        assertTrue(catalog.jobs().log(job.id()).stream().anyMatch(l -> l.message().contains("point " + made
                + " was committed in vault default before this job's worker was lost; adopted")), "logged on the lost job");
        Job after = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.failed, after.state());
        assertEquals("WorkerLost", after.errorCode(), "the job stays what it was: its worker was lost");
        assertTrue(catalog.points().find(otherInstance).isEmpty() && catalog.points().find(older).isEmpty(),
                "another instance's point and an older unknown one are not this job's");

        assertEquals(List.of(), lost.sweep(), "looked at once");
        LostPoints another = lostPoints();
        assertEquals(List.of(), another.sweep(), "another server's sweep finds the point in the catalog already");
        assertEquals(List.of(new LostPoints.Adopted(vault.point(made), false)), another.adopt(after));
        assertEquals(1, replicateJobs(), "no second replication");
    }

    /**
     * The retry of the lost run, queued before any sweep adopted its point, adopts it (with the steps after a backup)
     * and ends with it, without backing up again; a sweep afterwards finds it done.
     */
    @Test
    void theRetryOfALostRunAdoptsItsPointInsteadOfBackingUpTheSlotAgain() throws Exception {
        open(false);
        Job[] lostJob = new Job[1];
        String made = lostRun(lostJob);
        clock.set(T0.plusSeconds(30));
        LostPoints lost = lostPoints();
        BackupInstance retry = new BackupInstance("u-web", "default", null, null, null, false, null,
                new PlanRun(plan.id(), policy.id(), T0.toString(), 0, lostJob[0].id()), null);
        Job retryJob = new Job("j-retry", JobType.backup, "u-web", "local", JobState.running, CofferJson.tree(retry), T0, T0,
                null, null, 0, 0, 0, 0, false, null, null, null);
        JobHandler<BackupInstance, BackupResult> never = (operation, job, context) -> {
            throw new AssertionError("the slot was backed up again");
        };
        RecordingJobContext log = new RecordingJobContext();
        @SuppressWarnings("unchecked")
        JobHandler<BackupInstance, BackupResult> server = (JobHandler<BackupInstance, BackupResult>) PlanBackup.wrap(
                Map.of(JobType.backup, never), catalog, sweep, replications, lost).get(JobType.backup);
        BackupResult result = server.run(retry, retryJob, log);
        List<String> lines = log.lines();
        assertEquals(made, result.point());
        assertTrue(lines.stream().anyMatch(l -> l.contains("committed point " + made) && l.contains("adopted")
                && l.contains("not backed up again")), lines.toString());
        assertEquals(lostJob[0].id(), catalog.points().find(made).orElseThrow().jobId());
        assertTrue(catalog.pointRetentions().find(made).orElseThrow().immutable());
        assertEquals(1, replicateJobs());
        assertEquals(List.of(), lost.sweep(), "adopted already");
        assertEquals(1, replicateJobs());
    }

    /**
     * Two servers (two catalogs on one database) adopt the same lost point at the same moment: both have found it
     * without a row and are about to write it. The row's insert decides: one adopts it and queues its replication, the
     * other finds it adopted; one replication job, one adoption logged. Before, both wrote the row and both queued the
     * replication (two jobs).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoServersAdoptingTheSamePointAtOnceQueueItsReplicationOnce(String kind) throws Exception {
        open(false, kind);
        Job[] lostJob = new Job[1];
        String made = lostRun(lostJob);
        clock.set(T0.plusSeconds(30));
        try (Catalog other = Catalog.open(database.config(), clock)) {
            LostPoints first = lostPoints();
            LostPoints second = new LostPoints(other, vaults, PlanBackup.afterSteps(other,
                    new RetentionSweep(other, vaults, clock), new ReplicationQueue(other, vaults, regions, clock)), clock);
            Job seenByFirst = catalog.jobs().find(lostJob[0].id()).orElseThrow();
            Job seenBySecond = other.jobs().find(lostJob[0].id()).orElseThrow();
            atTheInsert = new java.util.concurrent.CountDownLatch(2);
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var a = two.submit(() -> first.adopt(seenByFirst));
                var b = two.submit(() -> second.adopt(seenBySecond));
                List<LostPoints.Adopted> adopted = new ArrayList<>(a.get(60, java.util.concurrent.TimeUnit.SECONDS));
                adopted.addAll(b.get(60, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(0, atTheInsert.getCount(), "both adopters reached the row's insert");
                assertEquals(List.of(made, made), adopted.stream().map(x -> x.point().id()).toList());
                assertEquals(1, adopted.stream().filter(LostPoints.Adopted::adoptedNow).count(), adopted.toString());
            } finally {
                atTheInsert = null;
                two.shutdownNow();
            }
        }
        assertEquals(lostJob[0].id(), catalog.points().find(made).orElseThrow().jobId());
        assertTrue(catalog.pointRetentions().find(made).orElseThrow().immutable());
        assertEquals(1, replicateJobs(), "the replication queued once");
        assertEquals(1, catalog.jobs().log(lostJob[0].id()).stream().filter(l -> l.message().contains("adopted into the"
                + " catalog")).count(), "one adoption logged on the lost job");
    }

    /**
     * A lost run whose writer goes on after its job was failed (an agent cut off from the servers): the first sweep finds
     * only its unfinished point; its manifest appears afterwards, and the sweep's next look adopts it (before, the job
     * was looked at once and the point stayed out of the catalog). A writer that commits only after the sweep's bound
     * ({@link LostPoints#LOOK_AGAIN_FOR} after its job was failed) is not looked for again by the sweep; the retry's
     * look ({@link LostPoints#adopt}) still finds it.
     */
    @Test
    void aPointCommittedAfterTheSweepLookedIsAdoptedByALaterLookUntilTheBound() throws Exception {
        open(false);
        Job lateJob = catalog.jobs().submit(new BackupInstance("u-web", "default", null, null, null, false, null,
                new PlanRun(plan.id(), policy.id(), T0.toString(), 0, null), null), "local");
        assertEquals(lateJob.id(), catalog.jobs().claimNext("worker-1", 2, T0).orElseThrow().id());
        LostPoints lost = lostPoints();
        String late;
        try (PointWriter writing = PointWriter.begin(vault, "u-web", T0.plusSeconds(10), 1)) {
            writing.writeDisk("vda", ByteArrayBlockSource.of(new byte[64 * 1024]), "qcow2", null, Progress.NONE);
            assertTrue(catalog.jobs().failLost(lateJob.id(), "worker-1", "worker-1 is gone", T0.plusSeconds(20)));
            clock.set(T0.plusSeconds(30));
            assertEquals(List.of(), lost.sweep(), "still being written: nothing to adopt yet");
            late = writing.commit("CRASH", null, List.of(), new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance("u-web", "qemu:///system", "running"), null, null, null, null, null, null,
                    null).with(PointFacts.ofPlan(plan.id(), policy.id(), true)).json()).id();
        }
        assertEquals(List.of(), lost.sweep(), "not due yet: the next look comes " + LostPoints.FIRST_LOOK_AGAIN + " later");
        clock.set(T0.plusSeconds(30).plus(LostPoints.FIRST_LOOK_AGAIN));
        assertEquals(List.of(late), lost.sweep(), "the next look adopts the point committed after the first");
        assertEquals(lateJob.id(), catalog.points().find(late).orElseThrow().jobId());
        assertEquals(1, replicateJobs());
        clock.set(T0.plus(Duration.ofHours(1)));
        assertEquals(List.of(), lost.sweep(), "found: not looked at again");

        // past the bound: a run lost at T1+20s whose manifest appears more than LOOK_AGAIN_FOR later
        Instant t1 = T0.plus(Duration.ofHours(2));
        Job tooLate = catalog.jobs().submit(new BackupInstance("u-web", "default", null, null, null, false, null,
                new PlanRun(plan.id(), policy.id(), t1.toString(), 0, null), null), "local");
        catalog.jobs().list(new Jobs.Filter(null, JobType.replicate, null, null)).forEach(j -> catalog.jobs().cancel(j.id()));
        assertEquals(tooLate.id(), catalog.jobs().claimNext("worker-1", 2, t1).orElseThrow().id());
        String last;
        try (PointWriter writing = PointWriter.begin(vault, "u-web", t1.plusSeconds(10), 1)) {
            writing.writeDisk("vda", ByteArrayBlockSource.of(new byte[64 * 1024]), "qcow2", null, Progress.NONE);
            assertTrue(catalog.jobs().failLost(tooLate.id(), "worker-1", "worker-1 is gone", t1.plusSeconds(20)));
            clock.set(t1.plusSeconds(30));
            assertEquals(List.of(), lost.sweep());
            for (Instant at = t1.plusSeconds(30); at.isBefore(t1.plus(LostPoints.LOOK_AGAIN_FOR)); at = at.plus(
                    Duration.ofMinutes(10))) {
                clock.set(at);
                assertEquals(List.of(), lost.sweep(), "looked at again and again until the bound: nothing committed");
            }
            clock.set(t1.plusSeconds(21).plus(LostPoints.LOOK_AGAIN_FOR));
            last = writing.commit("CRASH", null, List.of(), new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance("u-web", "qemu:///system", "running"), null, null, null, null, null, null,
                    null).with(PointFacts.ofPlan(plan.id(), policy.id(), true)).json()).id();
        }
        clock.set(t1.plus(LostPoints.LOOK_AGAIN_FOR).plus(Duration.ofHours(1)));
        assertEquals(List.of(), lost.sweep(), "past the bound the sweep does not look again");
        assertTrue(catalog.points().find(last).isEmpty());
        Job failed = catalog.jobs().find(tooLate.id()).orElseThrow();
        assertEquals(List.of(new LostPoints.Adopted(vault.point(last), true)), lost.adopt(failed),
                "a retry's look (or catalog rebuild) still finds it");
    }

    private int replicateJobs() {
        return catalog.jobs().list(new Jobs.Filter(null, JobType.replicate, null, null)).size();
    }

    /** A committed point of {@code uuid} at {@code at} with {@code extra} facts; no catalog row. */
    private static String point(Vault vault, String uuid, Instant at, PointFacts extra) throws Exception {
        PointFacts facts = new PointFacts(PointFacts.VERSION, new PointFacts.Instance(uuid, "qemu:///system", "running"),
                null, null, null, null, null, null, null).with(extra);
        byte[] disk = new byte[64 * 1024];
        disk[0] = (byte) at.getEpochSecond();
        try (PointWriter writer = PointWriter.begin(vault, uuid, at, 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "qcow2", null, Progress.NONE);
            return writer.commit("CRASH", null, List.of(), facts.json()).id();
        }
    }
}

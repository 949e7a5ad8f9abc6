package coffer.engine.replication;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.vault.LocalVaults;
import coffer.testing.LeftHeld;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.replicate.PointReplicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replication with its status in a real catalog (SQLite) between vaults in local directories of two regions: queued,
 * running, done with the replica recorded as a point of the destination's region; a destination that cannot be written
 * fails as ReplicationMetadataSyncFailed and is due for a retry that then completes; a destination encrypted otherwise
 * than the rule asks fails without a retry; a replication cancelled mid-way leaves no replica and shows Cancelled until
 * it is run again; the queue ({@link ReplicationQueue}) checks destinations, queues jobs and queues due retries once.
 */
class TrackedReplicationTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant CREATED = Instant.parse("2026-03-01T11:00:00Z");

    @TempDir
    Path dir;
    private ReplicationFixture fixture;
    private Catalog catalog;
    private LocalVaults vaults;
    private String uuid;
    private Clock clock;

    @BeforeEach
    void open() {
        fixture = new ReplicationFixture(dir, NOW).vault("default", "local-vault", null, true)
                .vault("east", "east-vault", "east", true).vault("east-plain", "east-plain", "east", false)
                .open("default", "local");
        catalog = fixture.catalog;
        vaults = fixture.vaults;
        uuid = fixture.uuid;
        clock = fixture.clock;
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private PointRecord point() throws Exception {
        return fixture.point("default", CREATED, 3, 5);
    }

    private TrackedReplication tracked() {
        return new TrackedReplication(catalog, vaults, new PointReplication(2), clock);
    }

    private static TrackedReplication.Destination east(String vault, ReplicationRule.Encryption encryption) {
        return new TrackedReplication.Destination("east", vault, encryption, RetentionPeriod.days(30), false);
    }

    /**
     * The first run of the point's replication to {@code destination} fails with {@code code} and is due for a retry
     * after the first back-off (a minute), not before; no replica is written or listed. Returns the run's error.
     */
    private CofferException failsDueForRetry(TrackedReplication replication, PointRecord point,
                                             TrackedReplication.Destination destination, ErrorCode code) throws Exception {
        CofferException e = assertThrows(CofferException.class,
                () -> replication.run(point.id(), destination, "job-1", JobProgress.NONE));
        assertEquals(code, e.code(), e.getMessage());
        ReplicationStatus.Failed failed = assertInstanceOf(ReplicationStatus.Failed.class,
                replication.status(point.id(), destination));
        assertEquals(code.name(), failed.code());
        assertEquals(1, failed.attempts());
        assertEquals(NOW.plusSeconds(60), failed.retryAt(), "retried after the first back-off, not given up");
        assertEquals(List.of(), vaults.open(destination.vault()).points(), "no replica");
        assertEquals(List.of(), catalog.points().listByRegion(destination.region()), "no replica listed");
        assertEquals(List.of(), replication.due(), "not yet due");
        return e;
    }

    /** A minute and a second later the failed replication is due, and its retry completes with a replica. */
    private void retryCompletes(PointRecord point, TrackedReplication.Destination destination) throws Exception {
        TrackedReplication later = new TrackedReplication(catalog, vaults, new PointReplication(2),
                Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC));
        List<ReplicationRecord> due = later.due();
        assertEquals(List.of(point.id()), due.stream().map(ReplicationRecord::pointId).toList());
        PointReplication.Result result = later.run(due.getFirst().pointId(), destination, "job-2", JobProgress.NONE);
        assertEquals(new ReplicationStatus.Done(result.replicaId()), later.status(point.id(), destination));
        assertNotNull(vaults.open(destination.vault()).point(result.replicaId()));
    }

    @Test
    void aReplicationIsQueuedRunAndRecordedAsAPointOfTheDestinationRegion() throws Exception {
        PointRecord point = point();
        TrackedReplication replication = tracked();
        TrackedReplication.Destination destination = east("east", new ReplicationRule.Encryption.Auto());
        assertEquals(new ReplicationStatus.NotReplicated(), replication.status(point.id(), destination));
        assertTrue(replication.queue(point.id(), destination));
        assertEquals(new ReplicationStatus.Queued(), replication.status(point.id(), destination));

        PointReplication.Result result = replication.run(point.id(), destination, "job-1", JobProgress.NONE);
        assertEquals(new ReplicationStatus.Done(result.replicaId()), replication.status(point.id(), destination));
        PointRecord replica = catalog.points().find(result.replicaId()).orElseThrow();
        assertEquals("east", replica.region());
        assertEquals("east", replica.vault());
        assertEquals(uuid, replica.instanceId(), "the same instance's point, in another region");
        assertEquals(CREATED.plusSeconds(30 * 86400), replica.expiresAt(), "its own retention: 30 days from the point");
        assertEquals(List.of(replica), catalog.points().listByRegion("east"));
        assertEquals(point.id(), ReplicaFacts.of(vaults.open("east").point(result.replicaId())).orElseThrow().point());

        CofferException again = assertThrows(CofferException.class,
                () -> replication.run(point.id(), destination, "job-2", JobProgress.NONE));
        assertTrue(again.getMessage().contains("done (replica " + result.replicaId() + ")"), again.getMessage());

        catalog.points().delete(result.replicaId());
        assertEquals(new ReplicationStatus.NotReplicated(), replication.status(point.id(), destination),
                "a replica deleted: its point is not replicated there any more, and may be again");
    }

    @Test
    void aDestinationThatCannotBeWrittenFailsAsMetadataSyncAndIsDueForARetryThatCompletes() throws Exception {
        PointRecord point = point();
        TrackedReplication replication = tracked();
        TrackedReplication.Destination destination = east("east", new ReplicationRule.Encryption.Auto());
        Path chunks = dir.resolve("east-vault").resolve("chunks");
        Files.createDirectories(chunks.getParent());
        Files.deleteIfExists(chunks);
        Files.writeString(chunks, "not a directory: every chunk write fails");

        CofferException e = failsDueForRetry(replication, point, destination, ErrorCode.ReplicationMetadataSyncFailed);
        assertTrue(e.getMessage().contains("vault east of region east"), e.getMessage());

        Files.delete(chunks);
        retryCompletes(point, destination);
    }

    /**
     * Another run of the same replication (another server's, sharing the destination vault) holds the replica id's claim
     * (docs/design/replication.md): the run fails as VaultBusy, is due for a retry, and its message says when; the retry
     * completes once that claim is gone. Nothing is lost or half-made meanwhile.
     */
    @Test
    void aReplicationRefusedByAnotherRunsClaimIsRetriedAndSaysWhen() throws Exception {
        PointRecord point = point();
        TrackedReplication replication = tracked();
        TrackedReplication.Destination destination = east("east", new ReplicationRule.Encryption.Auto());
        Vault target = vaults.open("east");
        String claim = "claims/" + new PointReplicator(vaults.open("default"), target, 2).replicaId(point.id()) + "/other";
        target.backend().put(claim, ByteBuffer.wrap(LeftHeld.body("WRITE", 1, "replication of point " + point.id(),
                Instant.now())));

        CofferException e = failsDueForRetry(replication, point, destination, ErrorCode.VaultBusy);
        assertTrue(e.getMessage().contains("replication of point " + point.id() + " is already running"),
                e.getMessage());
        assertTrue(e.getMessage().contains("pid 1 on " + LeftHeld.HOST), e.getMessage());
        assertTrue(e.getMessage().contains("tried again at " + NOW.plusSeconds(60) + " (attempt 2 of "
                + RetryBackoff.ATTEMPTS + ")"), "the job's message says it is retried: " + e.getMessage());
        assertEquals(List.of(claim), target.backend().list("claims/").stream().map(o -> o.name()).toList(),
                "the refused run left no claim of its own");

        target.backend().delete(claim); // the other run ended
        retryCompletes(point, destination);
        assertEquals(List.of(), target.backend().list("claims/"));
    }

    @Test
    void aDestinationNotEncryptedAsTheRuleAsksFailsWithoutARetry() throws Exception {
        PointRecord point = point();
        TrackedReplication replication = tracked();
        TrackedReplication.Destination plain = east("east-plain", new ReplicationRule.Encryption.Auto());
        CofferException e = assertThrows(CofferException.class,
                () -> replication.run(point.id(), plain, "job-1", JobProgress.NONE));
        assertEquals(ErrorCode.DestinationEncryptionMismatch, e.code());
        ReplicationStatus.Failed failed = assertInstanceOf(ReplicationStatus.Failed.class, replication.status(point.id(), plain));
        assertNull(failed.retryAt(), "the same destination fails the same way: not retried");

        String key = vaults.open("east").config().encryption().keyId();
        TrackedReplication.Destination assigned = east("east", new ReplicationRule.Encryption.AssignedKey("k-other"));
        assertEquals(ErrorCode.DestinationEncryptionMismatch, assertThrows(CofferException.class,
                () -> replication.run(point.id(), assigned, "job-2", JobProgress.NONE)).code());
        TrackedReplication.Destination right = east("east", new ReplicationRule.Encryption.AssignedKey(key));
        assertEquals(ReplicationRecord.State.FAILED, catalog.replications().find(point.id(), "east", "east").orElseThrow().state());
        PointReplication.Result result = replication.run(point.id(), right, "job-3", JobProgress.NONE);
        assertEquals(new ReplicationStatus.Done(result.replicaId()), replication.status(point.id(), right));
    }

    @Test
    void aDestinationMustBeAVaultOfItsRegionAndNotThePointsOwn() throws Exception {
        PointRecord point = point();
        TrackedReplication replication = tracked();
        CofferException wrongRegion = assertThrows(CofferException.class, () -> replication.queue(point.id(),
                new TrackedReplication.Destination("west", "east", new ReplicationRule.Encryption.Auto(), null, false)));
        assertEquals(ErrorCode.InvalidArgument, wrongRegion.code());
        assertTrue(wrongRegion.getMessage().contains("vault east is in region east, not in west"), wrongRegion.getMessage());
        assertEquals(ErrorCode.NoDestinationRegion, assertThrows(CofferException.class, () -> replication.queue(point.id(),
                new TrackedReplication.Destination(null, "east", new ReplicationRule.Encryption.Auto(), null, false))).code());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> replication.queue(point.id(),
                new TrackedReplication.Destination("local", "default", new ReplicationRule.Encryption.Auto(), null, false))).code());
        assertEquals(ErrorCode.PointNotFound, assertThrows(CofferException.class, () -> replication.queue("20260101-000000-00000000",
                east("east", new ReplicationRule.Encryption.Auto()))).code());
    }

    @Test
    void aReplicationCancelledMidWayLeavesNoReplicaAndShowsCancelledUntilItIsRunAgain() throws Exception {
        PointRecord point = point();
        TrackedReplication replication = tracked();
        TrackedReplication.Destination destination = east("east", new ReplicationRule.Encryption.Auto());
        Thread caller = Thread.currentThread();
        JobProgress cancelAfterOneChunk = new JobProgress() {
            @Override
            public void starting(long totalBytes) {
            }

            @Override
            public void advance(long bytes) {
                caller.interrupt(); // what a job's cancel does to the job's thread
            }
        };
        CofferException cancelled = assertThrows(CofferException.class,
                () -> replication.run(point.id(), destination, "job-1", cancelAfterOneChunk));
        Thread.interrupted();
        assertEquals(ErrorCode.Cancelled, cancelled.code(), cancelled.getMessage());
        assertEquals(List.of(), vaults.open("east").points(), "no replica published in the destination");
        assertEquals(List.of(), catalog.points().listByRegion("east"), "no replica listed");
        ReplicationStatus.Failed failed = assertInstanceOf(ReplicationStatus.Failed.class,
                replication.status(point.id(), destination));
        assertEquals("Cancelled", failed.code());
        assertNull(failed.retryAt(), "a cancel by a person is not retried");
        assertEquals(List.of(), replication.due());

        PointReplication.Result result = replication.run(point.id(), destination, "job-2", JobProgress.NONE);
        assertEquals(new ReplicationStatus.Done(result.replicaId()), replication.status(point.id(), destination));
        assertEquals(List.of(result.replicaId()), vaults.open("east").points().stream().map(PointManifest::id).toList());
    }

    @Test
    void theQueueChecksDestinationsQueuesJobsAndQueuesADueRetryOnce() throws Exception {
        PointRecord point = point();
        ReplicationQueue queue = new ReplicationQueue(catalog, vaults, new Regions(
                Map.of("local", List.of("default"), "east", List.of("east", "east-plain")), Map.of("local", List.of("local"))),
                clock);
        assertEquals(ErrorCode.UnknownRegion, assertThrows(CofferException.class, () -> queue.resolve("mars", null)).code());
        CofferException elsewhere = assertThrows(CofferException.class, () -> queue.resolve("local", "east"));
        assertTrue(elsewhere.getMessage().contains("vault east is in region east, not in local"), elsewhere.getMessage());
        assertEquals(new ReplicatePoint.Destination("east", "east"), queue.resolve("east", null), "the region's first vault");
        assertEquals(new ReplicatePoint.Destination("east", "east-plain"), queue.resolve(null, "east-plain"));

        Job job = queue.submit(new ReplicatePoint(point.id(), "east", null, 3, null), "local");
        assertEquals(JobType.replicate, job.type());
        assertEquals(new ReplicatePoint(point.id(), "east", "east", 3, null), job.operation());
        assertEquals(ReplicationRecord.State.QUEUED, catalog.replications().find(point.id(), "east", "east").orElseThrow().state());

        catalog.replications().start(point.id(), "east", "east", job.id());
        assertTrue(assertThrows(CofferException.class, () -> queue.submit(new ReplicatePoint(point.id(), "east", null, null,
                null), "local")).getMessage().contains("is running (job " + job.id() + ")"));
        catalog.replications().failed(point.id(), "east", "east", "StorageFailure", "the disk filled", NOW.minusSeconds(1));
        List<Job> retried = queue.retryDue();
        assertEquals(1, retried.size());
        assertEquals(new ReplicatePoint(point.id(), "east", "east", null, null), retried.getFirst().operation());
        assertEquals(ReplicationRecord.State.QUEUED, catalog.replications().find(point.id(), "east", "east").orElseThrow().state());
        assertEquals(List.of(), queue.retryDue(), "queued once");

        catalog.replications().start(point.id(), "east", "east", "job-of-a-killed-server"); // no such job any more
        assertEquals(List.of(), queue.retryDue(), "retried after the back-off, not at once");
        ReplicationRecord lost = catalog.replications().find(point.id(), "east", "east").orElseThrow();
        assertEquals(ReplicationRecord.State.FAILED, lost.state());
        assertEquals("WorkerLost", lost.errorCode());
        assertEquals(NOW.plus(RetryBackoff.FIRST.multipliedBy(1L << (lost.attempts() - 1))), lost.nextAttemptAt(), lost.toString());

        catalog.replications().done(point.id(), "east", "east", "r-1");
        assertTrue(assertThrows(CofferException.class, () -> queue.submit(new ReplicatePoint(point.id(), "east", null, null,
                null), "local")).getMessage().contains("already (replica r-1)"));
    }
}

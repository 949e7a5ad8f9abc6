package coffer.engine.replication;

import coffer.engine.JobProgress;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultDirectory;
import coffer.testing.ForwardingBackend;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.LocalDirectoryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replication cancelled while one of its requests to the destination is under way (docs/reliability.md, session
 * 20). Found against an S3 store that stopped answering: the job's cancel interrupted its thread inside the AWS SDK,
 * which failed that request with "Thread was interrupted" (an ordinary storage failure, the interrupt set again).
 * Before the fix that failure was classified as the destination's ({@code ReplicationMetadataSyncFailed}) and recorded
 * with a next attempt, so the job showed {@code cancelled} while the point's replication was due for a retry and ran
 * again by itself a minute later. The destination here fails its read-back of the replica's index exactly as the SDK
 * does (interrupt set, then a plain backend failure), on the replication's own thread.
 */
class ReplicationCancelledInARequestTest {
    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
    private static final Instant CREATED = Instant.parse("2026-12-07T03:00:00Z");

    @TempDir
    Path dir;
    private ReplicationFixture fixture;
    private Vault east;

    /** A destination whose first read of a replica's index is cut short by a cancel, as the AWS SDK reports it. */
    private static final class CancelledDuringARead extends ForwardingBackend {
        private final AtomicBoolean armed = new AtomicBoolean(true);

        CancelledDuringARead(Path root) {
            super(new LocalDirectoryBackend(root));
        }

        @Override
        public ByteBuffer get(String name) throws IOException {
            if (name.startsWith("points/") && name.endsWith(".fidx") && armed.compareAndSet(true, false)) {
                Thread.currentThread().interrupt(); // the job's cancel
                throw new BackendException("cannot get '" + name + "' in the destination: Thread was interrupted", true,
                        null);
            }
            return super.get(name);
        }
    }

    @BeforeEach
    void open() throws IOException {
        fixture = new ReplicationFixture(dir, NOW).vault("west", "west-vault", "west", false)
                .vault("east", "east-vault", "east", false).open("west", "west-1");
        east = Vault.open(new CancelledDuringARead(dir.resolve("east-vault")), null);
    }

    @AfterEach
    void close() throws IOException {
        Thread.interrupted();
        east.close();
        fixture.close();
    }

    @Test
    void aCancelThatCutsARequestShortIsCancelledAndNotRetried() throws Exception {
        PointRecord point = fixture.point("west", CREATED, 20, 4);
        LocalVaults local = fixture.vaults;
        VaultDirectory vaults = new VaultDirectory() {
            @Override
            public Set<String> names() {
                return local.names();
            }

            @Override
            public String defaultName() {
                return local.defaultName();
            }

            @Override
            public String regionOf(String name) {
                return local.regionOf(name);
            }

            @Override
            public Vault open(String name) {
                return "east".equals(name) ? east : local.open(name);
            }
        };
        TrackedReplication replication = new TrackedReplication(fixture.catalog, vaults, new PointReplication(2),
                fixture.clock);
        TrackedReplication.Destination destination = new TrackedReplication.Destination("east", "east",
                new ReplicationRule.Encryption.Auto(), RetentionPeriod.days(30), false);

        CofferException cancelled = assertThrows(CofferException.class,
                () -> replication.run(point.id(), destination, "job-1", JobProgress.NONE));
        assertTrue(Thread.interrupted(), "the cancel's interrupt is kept for the job runner");
        assertEquals(ErrorCode.Cancelled, cancelled.code(), cancelled.getMessage());
        ReplicationStatus.Failed failed = assertInstanceOf(ReplicationStatus.Failed.class,
                replication.status(point.id(), destination));
        assertEquals("Cancelled", failed.code(), failed.toString());
        assertNull(failed.retryAt(), "a cancelled replication is not retried: " + failed);
        assertEquals(List.of(), replication.due());
        assertEquals(List.of(), east.points(), "no replica published");

        // run again on request, it completes
        PointReplication.Result result = replication.run(point.id(), destination, "job-2", JobProgress.NONE);
        assertEquals(new ReplicationStatus.Done(result.replicaId()), replication.status(point.id(), destination));
        assertEquals(List.of(result.replicaId()), east.points().stream().map(PointManifest::id).toList());
    }

}

package coffer.vault.backend.s3;

import coffer.testing.Await;
import coffer.testing.S3Server;
import coffer.testing.StallingProxy;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.FirstAnswer;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.io.Progress;
import coffer.vault.replicate.PointReplicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store that accepts connections and never answers (docs/reliability.md, session 22): the S3 test server behind a
 * {@link StallingProxy}. (1) A vault's opening ({@link FirstAnswer}) fails within its bound instead of the stall limit
 * of every attempt (2 minutes each, 3 attempts), and sends nothing more once a request went unanswered; a slow store
 * that keeps moving bytes is not cut. (2) A cancelled replication's cleanup, made of two scopes (the writer's, then the
 * claim's release), waits the cleanup's patience once, not once per scope. Buckets carry the branch's name.
 */
class S3StoreThatDoesNotAnswerIT {
    /** Below the stall limit (2 minutes): without the fixes these waits run out. */
    private static final Duration LIMIT = Duration.ofMinutes(1);
    private static final int CHUNK = TestVault.CHUNK;

    @TempDir
    Path dir;

    @Test
    void anOpeningsRequestThatGetsNoByteFailsWithinTheBoundAndTheScopeSendsNoMore() throws Exception {
        S3Server server = S3Server.shared();
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3ops22/open"),
                     server.settings().withEndpoint(proxy.endpoint(), true))) {
            backend.put("config", ByteBuffer.wrap(TestData.random(1, 300)));
            long before = backend.requestCounts().values().stream().mapToLong(Long::longValue).sum();
            proxy.stall();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> unanswered = new AtomicReference<>();
            long start = System.nanoTime();
            Thread opener = new Thread(() -> {
                try (FirstAnswer first = FirstAnswer.within(Duration.ofSeconds(2))) {
                    try {
                        backend.get("config");
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                    try {
                        backend.get("keys"); // the opening's next request: not sent
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                    unanswered.set(first.unanswered());
                }
            }, "s3ops22-opener");
            opener.start();
            Await.until(() -> !opener.isAlive(), LIMIT, "the opening still waits on the hung store");
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("S3StoreThatDoesNotAnswerIT: the opening failed %.2f s after it began: %s%n", seconds,
                    failure.get());
            assertInstanceOf(BackendException.class, failure.get());
            String message = failure.get().getMessage();
            assertTrue(message.contains("within 2 s") && message.contains(proxy.endpoint().toString()), message);
            assertFalse(message.contains(S3Server.SECRET_ACCESS_KEY), message);
            assertTrue(unanswered.get(), "the scope knows its store did not answer");
            assertEquals(0, backend.requestsInFlight());
            // the SDK's attempts and the next request were not sent: one connection's worth waited on the stall
            assertTrue(seconds < 10, "failed within the bound and the SDK's back-off, not per attempt: " + seconds);

            proxy.resume();
            assertEquals(300, backend.get("config").remaining(), "the backend answers once the store does");
            assertTrue(backend.requestCounts().values().stream().mapToLong(Long::longValue).sum() > before);
        }
    }

    @Test
    void aSlowStoreThatKeepsMovingBytesIsNotCutByTheBound() throws Exception {
        S3Server server = S3Server.shared();
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3ops22/slow"),
                     server.settings().withEndpoint(proxy.endpoint(), true))) {
            byte[] data = TestData.random(2, 3 * 64 * 1024);
            backend.put("config", ByteBuffer.wrap(data));
            proxy.throttle(64 * 1024); // about 3 s for the body: longer than the bound, bytes moving all along
            long start = System.nanoTime();
            ByteBuffer read;
            try (FirstAnswer first = FirstAnswer.within(Duration.ofSeconds(1))) {
                read = backend.get("config");
                assertFalse(first.unanswered());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("S3StoreThatDoesNotAnswerIT: the slow read took %.2f s under a 1 s bound%n", seconds);
            byte[] bytes = new byte[read.remaining()];
            read.get(bytes);
            assertArrayEquals(data, bytes);
            assertTrue(seconds > 1.5, "the read did take longer than the bound: " + seconds);
        }
    }

    @Test
    void aCancelledReplicationToAHungStoreWaitsTheCleanupsPatienceOnce() throws Exception {
        S3Server server = S3Server.shared();
        Duration patience = Duration.ofSeconds(2);
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend bucket = S3Backend.open(new S3Location(server.newBucket(), "s3ops22/replica"),
                     server.settings().withEndpoint(proxy.endpoint(), true),
                     new RequestWatch(RequestWatch.STALL_LIMIT, patience));
             TestVault source = TestVault.create(new LocalDirectoryBackend(dir.resolve("west")),
                     new LocalKeyRing(dir.resolve("west-keyring.json")));
             TestVault destination = TestVault.create(bucket, new LocalKeyRing(dir.resolve("east-keyring.json")))) {
            byte[] disk = TestData.random(22, 24 * CHUNK);
            PointManifest point = source.backup("vm", disk);
            PointReplicator replicator = new PointReplicator(source.vault(), destination.vault(), 4);

            proxy.stallAt("/chunks/"); // the store stops answering at the replica's first chunk
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread replication = new Thread(() -> {
                try {
                    replicator.replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE);
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "s3ops22-replication");
            replication.start();
            Await.until(() -> proxy.waiting() > 0, LIMIT, "the replica's chunk writes held by the stalled store");
            long cancelled = System.nanoTime();
            replication.interrupt(); // a job's cancel
            Await.until(() -> !replication.isAlive(), LIMIT, "the cancelled replication still waits");
            double seconds = (System.nanoTime() - cancelled) / 1e9;
            System.out.printf("S3StoreThatDoesNotAnswerIT: the cancelled replication ended %.2f s after its interrupt"
                    + " (cleanup patience %d s, %d request(s) ran out of it): %s%n", seconds, patience.toSeconds(),
                    bucket.cleanupAborts(), failure.get());
            assertNotNull(failure.get(), "a replication cut short by a cancel fails");
            assertEquals(1, bucket.cleanupAborts(), "the writer's cleanup and the claim's release share one patience");
            assertEquals(0, bucket.requestsInFlight());

            proxy.resume();
            PointReplicator.Result again = replicator.replicate(new PointReplicator.Request(point.id(), null, null),
                    Progress.NONE);
            assertArrayEquals(disk, destination.restore(again.replica(), "vda"), "the next run makes the replica");
        }
    }
}

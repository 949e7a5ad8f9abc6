package coffer.vault.backend.s3;

import coffer.testing.Await;
import coffer.testing.S3Server;
import coffer.testing.StallingProxy;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.vault.backend.BackendException;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store that stops answering while requests are in flight (docs/reliability.md, session 21): the S3 test server
 * behind a {@link StallingProxy} that holds every byte either way, as a store stopped with SIGSTOP or a firewall that
 * drops packets would. Before session 21 a blocked socket read ignored its thread's interrupt, so a cancel waited out
 * the 2-minute socket timeout of every attempt of every request in flight, and then of every request of the cleanup:
 * 7 min 59 s measured. Now a cancel aborts the requests of the interrupted thread within {@link RequestWatch#PERIOD},
 * the cleanup's requests get {@link RequestWatch#CLEANUP_PATIENCE} once, and a request that moves no byte for the
 * stall limit fails by itself. The waits' limits (a minute) are below the socket timeout: without the watch each of
 * these tests fails. Bucket names carry the branch's name ({@code s3ops21}).
 */
class S3CancelAgainstAHungStoreIT {
    /** Far below the socket timeout (2 minutes), far above what an abort takes (a tenth of a second). */
    private static final Duration LIMIT = Duration.ofMinutes(1);
    private static final int CHUNK = TestVault.CHUNK;

    @Test
    void aCancelledBackupAgainstAStoreThatStoppedAnsweringEndsAtOnceAndLeavesTheVaultUsable() throws Exception {
        S3Server server = S3Server.shared();
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3ops21/cancel"),
                     server.settings().withEndpoint(proxy.endpoint(), true));
             TestVault vault = TestVault.create(backend, null)) {
            byte[] first = TestData.random(21, 6 * CHUNK);
            PointManifest kept = vault.backup("vm", first);

            proxy.stallAt("/chunks/"); // the store stops answering at the backup's first chunk
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread backup = new Thread(() -> {
                try {
                    vault.backup("vm", TestData.random(22, 24 * CHUNK));
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "s3ops21-backup");
            backup.start();
            Await.until(() -> proxy.waiting() > 0, LIMIT, "the backup's chunk writes held by the stalled store");
            long cancelled = System.nanoTime();
            backup.interrupt(); // what a job's cancel does
            Await.until(() -> !backup.isAlive(), LIMIT, () -> "the cancelled backup still waits on the hung store: "
                    + stack(backup));
            System.out.printf("S3CancelAgainstAHungStoreIT: the cancelled backup ended %.2f s after its interrupt: %s%n",
                    (System.nanoTime() - cancelled) / 1e9, failure.get());
            assertNotNull(failure.get(), "a backup cut short by a cancel fails");
            assertEquals(0, backend.requestsInFlight(), "no request of the cancelled backup left in flight");

            proxy.resume();
            assertEquals(List.of(kept.id()), vault.vault().points().stream().map(PointManifest::id).toList(),
                    "nothing of the cancelled backup is a point");
            assertArrayEquals(first, vault.restore(kept, "vda"));
            byte[] next = TestData.random(23, 8 * CHUNK);
            PointManifest after = vault.backup("vm", next);
            assertArrayEquals(next, vault.restore(after, "vda"));
            VerifyReport report = new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE);
            assertTrue(report.clean(), report.damage().toString());
        }
    }

    @Test
    void aCancelledReadOfAHungStoreFailsAtOnceAndTheBackendAnswersOnceTheStoreDoes() throws Exception {
        S3Server server = S3Server.shared();
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3ops21/read"),
                     server.settings().withEndpoint(proxy.endpoint(), true))) {
            byte[] data = TestData.random(24, 3 * CHUNK);
            backend.put("points/p/manifest", java.nio.ByteBuffer.wrap(data));

            proxy.stall();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    backend.get("points/p/manifest");
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "s3ops21-reader");
            reader.start();
            Await.until(() -> proxy.waiting() > 0, LIMIT, "the read held by the stalled store");
            long cancelled = System.nanoTime();
            reader.interrupt();
            Await.until(() -> !reader.isAlive(), LIMIT, () -> "the cancelled read still waits: " + stack(reader));
            System.out.printf("S3CancelAgainstAHungStoreIT: the cancelled read ended %.2f s after its interrupt: %s%n",
                    (System.nanoTime() - cancelled) / 1e9, failure.get());
            assertInstanceOf(BackendException.class, failure.get());
            assertFalse(failure.get().getMessage().contains(S3Server.SECRET_ACCESS_KEY), failure.get().getMessage());
            assertEquals(0, backend.requestsInFlight());

            proxy.resume();
            assertArrayEquals(data, bytes(backend.get("points/p/manifest")), "the same backend reads once the store answers");
            // every kind of request leaves the watch when it ends (a request still watched would be aborted later)
            assertTrue(backend.stat("points/p/manifest").isPresent());
            assertTrue(backend.stat("points/none/manifest").isEmpty());
            assertEquals(1, backend.list("points/").size());
            assertFalse(backend.putIfAbsent("points/p/manifest", java.nio.ByteBuffer.wrap(data)));
            backend.delete("points/p/manifest");
            assertThrows(coffer.vault.backend.ObjectNotFoundException.class, () -> backend.get("points/p/manifest"));
            assertEquals(0, backend.requestsInFlight(), "no request left watched");
        }
    }

    @Test
    void aRequestThatMovesNoByteForTheStallLimitFailsByItself() throws Exception {
        S3Server server = S3Server.shared();
        Duration stall = Duration.ofSeconds(2); // the limit of this test's watch; a real backend's is 2 minutes
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3ops21/stall"),
                     server.settings().withEndpoint(proxy.endpoint(), true), new RequestWatch(stall,
                             RequestWatch.CLEANUP_PATIENCE))) {
            proxy.stall();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    backend.put("points/p/manifest", java.nio.ByteBuffer.wrap(TestData.random(25, CHUNK)));
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "s3ops21-writer");
            writer.start();
            Await.until(() -> !writer.isAlive(), LIMIT, () -> "the stalled write still waits: " + stack(writer));
            assertInstanceOf(BackendException.class, failure.get());
            assertTrue(failure.get().getMessage().contains("no byte moved for 2 s"), failure.get().getMessage());
            assertTrue(((BackendException) failure.get()).retryable(), "a stall may pass: " + failure.get());
            proxy.resume();
            byte[] data = TestData.random(26, CHUNK);
            backend.put("points/q/manifest", java.nio.ByteBuffer.wrap(data));
            assertArrayEquals(data, bytes(backend.get("points/q/manifest")), "the backend works once the store answers");
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    private static String stack(Thread t) {
        StringBuilder text = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            text.append("\n  at ").append(e);
        }
        return text.toString();
    }
}

package coffer.vault.replicate;

import coffer.vault.Vault;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cancel of a replication mid-way, as a job's cancel does it: the run replicates one point with one worker on a
 * thread of its own, which is interrupted once the run reports its first progress; the run makes no more progress until
 * the interrupt is sent, so the cancel always comes mid-way. Shared by the tests that check what a cancelled run leaves
 * in a destination (PointReplicatorTest: a directory, ReplicationS3IT: a bucket). Stateless.
 */
final class MidWayCancel {
    private MidWayCancel() {
    }

    /** Replicates {@code pointId} from {@code source} into {@code destination}, cancelled mid-way; what it threw (null: none). */
    static Throwable replicate(Vault source, Vault destination, String pointId) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelSent = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread run = Thread.ofPlatform().start(() -> {
            try {
                new PointReplicator(source, destination, 1).replicate(new PointReplicator.Request(pointId, null, null),
                        bytes -> {
                            started.countDown();
                            try {
                                cancelSent.await(); // no progress until the cancel is sent, so it comes mid-way
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                started.countDown(); // a run that ends before any progress is not waited for
            }
        });
        started.await();
        run.interrupt();
        cancelSent.countDown();
        run.join();
        return failure.get();
    }
}

package coffer.vault;

import coffer.testing.CrashingBackend;
import coffer.testing.ForwardingBackend;
import coffer.vault.backend.Backend;
import coffer.vault.backend.MemoryBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A held object (a vault lock's, a point lease's) released while its refresh is being written is gone afterwards: the
 * release waits for the refresh under way rather than deleting the object under it.
 */
class HeldObjectTest {
    static final String NAME = "locks/shared-test";

    @Test
    void aReleaseDuringARefreshLeavesNoObjectBehind() throws Exception {
        MemoryBackend store = new MemoryBackend();
        CountDownLatch inRefresh = new CountDownLatch(1);
        CountDownLatch refreshMayGoOn = new CountDownLatch(1);
        CountDownLatch refreshDone = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // the first refresh's write stalls (a slow disk or store) until the test lets it go on, deaf to interrupts
        CrashingBackend slowRefresh = CrashingBackend.failWhen(store, (method, name) -> {
            if (method.equals("put") && name.equals(NAME) && first.compareAndSet(true, false)) {
                inRefresh.countDown();
                awaitUninterruptibly(refreshMayGoOn);
            }
            return false;
        });
        store.put(NAME, ByteBuffer.wrap(new byte[]{1})); // the object as its holder wrote it
        HeldObject held = new HeldObject(new AfterPut(slowRefresh, refreshDone), NAME, new byte[]{1}, Duration.ofMillis(10));
        assertTrue(inRefresh.await(1, TimeUnit.MINUTES), "a refresh began");

        Thread release = Thread.ofPlatform().start(() -> {
            try {
                held.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // the release either waits for the refresh (its thread parked) or has ended without waiting
        while (release.isAlive() && release.getState() != Thread.State.TIMED_WAITING
                && release.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        refreshMayGoOn.countDown();
        release.join(Duration.ofMinutes(1));
        assertFalse(release.isAlive(), "released");
        assertTrue(refreshDone.await(1, TimeUnit.MINUTES), "the refresh under way ended");
        assertEquals(List.of(), store.list("locks/"), "the released object is gone, its last refresh too");
    }

    /** Passes every call on; counts {@code putDone} down once a put has returned. */
    private static final class AfterPut extends ForwardingBackend {
        private final CountDownLatch putDone;

        AfterPut(Backend delegate, CountDownLatch putDone) {
            super(delegate);
            this.putDone = putDone;
        }

        @Override
        public void put(String name, ByteBuffer data) throws IOException {
            delegate.put(name, data);
            putDone.countDown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

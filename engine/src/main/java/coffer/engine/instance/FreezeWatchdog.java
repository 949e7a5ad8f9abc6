package coffer.engine.instance;

import coffer.virt.agent.GuestAgent;
import coffer.virt.agent.GuestAgentException;
import coffer.virt.process.DeathGuard;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Thaws a guest after a bounded time whatever the backup is doing (stalled in libvirt, stuck reading, its
 * thread blocked): armed just before {@code guest-fsfreeze-freeze} is sent, disarmed once the backup's own
 * thaw succeeded. If it fires it thaws, retrying every second until the agent confirms or a further
 * {@code maxFrozen} has passed, and records what it did for the point's warnings. A process killed while the
 * guest is frozen cannot thaw it: a {@link DeathGuard} armed with the watchdog does, from outside the process.
 *
 * <p>Thread-safe: one daemon thread per armed watchdog.
 */
final class FreezeWatchdog implements AutoCloseable {
    private static final Duration THAW_TIMEOUT = Duration.ofSeconds(5);

    private final CountDownLatch disarmed = new CountDownLatch(1);
    private final AtomicReference<String> report = new AtomicReference<>();
    private final Thread thread;
    private final DeathGuard guard;

    private FreezeWatchdog(GuestAgent agent, Duration maxFrozen) {
        thread = Thread.ofPlatform().daemon().name("coffer-freeze-watchdog-" + agent.domain())
                .unstarted(() -> watch(agent, maxFrozen));
        guard = agent.thawIfThisProcessDies();
    }

    static FreezeWatchdog arm(GuestAgent agent, Duration maxFrozen) {
        FreezeWatchdog watchdog = new FreezeWatchdog(agent, maxFrozen);
        watchdog.thread.start();
        return watchdog;
    }

    private void watch(GuestAgent agent, Duration maxFrozen) {
        try {
            if (disarmed.await(maxFrozen.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            long giveUp = System.nanoTime() + maxFrozen.toNanos();
            String last = null;
            do {
                try {
                    agent.thaw(THAW_TIMEOUT);
                    guard.disarm();
                    report.set("the freeze watchdog thawed the guest after " + maxFrozen.toSeconds() + " s");
                    return;
                } catch (GuestAgentException e) {
                    last = e.agentMessage();
                }
            } while (!disarmed.await(1, TimeUnit.SECONDS) && System.nanoTime() < giveUp);
            if (disarmed.getCount() > 0) {
                report.set("the freeze watchdog could not thaw the guest: " + last
                        + "; the next backup of this instance thaws it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The backup's own thaw succeeded: the watchdog stands down. */
    void disarm() {
        disarmed.countDown();
        guard.disarm();
    }

    /** What the watchdog did, if it fired. */
    String report() {
        return report.get();
    }

    /** Waits (bounded) for a fired watchdog to finish its thaw; an armed one keeps watching in the background. */
    @Override
    public void close() throws InterruptedException {
        if (disarmed.getCount() == 0) {
            thread.join(THAW_TIMEOUT.toMillis() + 1000);
        }
    }

    /** Whether the watchdog thread has ended (fired or disarmed). */
    boolean finished() {
        return !thread.isAlive();
    }
}

package coffer.engine.drill;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many restore drills may run at once on each host (by its libvirt URI), in this process: a drill holds a
 * {@link Slot} from before its restore until its copy is gone. Waiting for a slot is fair (first come, first served)
 * and cancellable. One server (or agent) per host drives that host's drills, so the budget is this process's.
 *
 * <p>Thread-safe.
 */
public final class DrillBudget {
    private final int perHost;
    private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();

    public DrillBudget(int perHost) {
        if (perHost < 1) {
            throw new IllegalArgumentException("a drill budget of " + perHost + " per host lets no drill run");
        }
        this.perHost = perHost;
    }

    /** A held place in a host's budget; closing it gives it back (once). */
    public final class Slot implements AutoCloseable {
        private final Semaphore semaphore;
        private boolean released;

        private Slot(Semaphore semaphore) {
            this.semaphore = semaphore;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                semaphore.release();
            }
        }
    }

    /**
     * Waits up to {@code wait} for a place in {@code host}'s budget.
     *
     * @throws CofferException DrillBusy when none came free in time
     * @throws InterruptedIOException when the waiting thread is interrupted (the drill is cancelled)
     */
    public Slot acquire(String host, Duration wait) throws InterruptedIOException {
        Semaphore semaphore = hosts.computeIfAbsent(host, h -> new Semaphore(perHost, true));
        try {
            if (!semaphore.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new CofferException(ErrorCode.DrillBusy, perHost + " restore drill(s) already run on " + host
                        + "; waited " + wait + " for one to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cancelled while waiting for the drill budget of " + host);
        }
        return new Slot(semaphore);
    }

    /** Drills running on {@code host} now. */
    public int running(String host) {
        Semaphore semaphore = hosts.get(host);
        return semaphore == null ? 0 : perHost - semaphore.availablePermits();
    }
}

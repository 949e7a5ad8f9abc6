package coffer.vault;

import coffer.vault.backend.AfterCancel;
import coffer.vault.backend.Backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * An object that says "still here" while it is held: rewritten every {@link VaultLocks#REFRESH} by a virtual thread
 * (so others see it live and do not judge it stale), deleted on {@link #close()}. What a vault lock, a point's
 * claim and a point's lease are made of. Thread-safe.
 */
final class HeldObject implements AutoCloseable {
    /** How long a release waits for a rewrite under way (a hung store must not hang the release). */
    private static final Duration STOP_WAIT = Duration.ofMinutes(1);

    private final Backend backend;
    private final LeftBehind leftBehind;
    private final String name;
    private final byte[] body;
    private final Duration refresh;
    private final Thread refresher;
    private volatile boolean released;

    /** Held in {@code backend}; when its removal fails, remembered in {@code leftBehind} (the vault's). */
    HeldObject(Backend backend, LeftBehind leftBehind, String name, byte[] body) {
        this(backend, leftBehind, name, body, VaultLocks.REFRESH);
    }

    /** Rewritten every {@code refresh} (tests use a short one). */
    HeldObject(Backend backend, String name, byte[] body, Duration refresh) {
        this(backend, new LeftBehind(backend), name, body, refresh);
    }

    private HeldObject(Backend backend, LeftBehind leftBehind, String name, byte[] body, Duration refresh) {
        this.backend = backend;
        this.leftBehind = leftBehind;
        this.name = name;
        this.body = body;
        this.refresh = refresh;
        this.refresher = Thread.ofVirtual().name("vault-held-refresh").start(this::refreshLoop);
    }

    /**
     * Publishes {@code name} with {@code body} and holds it. When the put fails, its object is removed again (the put
     * may have landed before it failed: one left behind by a live process counts as held until it goes stale) and the
     * put's failure thrown.
     */
    static HeldObject publish(Backend backend, LeftBehind leftBehind, String name, byte[] body) throws IOException {
        HeldObject held = new HeldObject(backend, leftBehind, name, body);
        try {
            backend.put(name, ByteBuffer.wrap(body));
        } catch (IOException | RuntimeException e) {
            held.closeAfter(e);
            throw e;
        }
        return held;
    }

    /** Its object's name. */
    String name() {
        return name;
    }

    /** Releases it because of {@code failure}, which carries the release's own failure as suppressed. */
    void closeAfter(Exception failure) {
        try {
            close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    private void refreshLoop() {
        while (!released) {
            try {
                Thread.sleep(refresh);
                if (!released) {
                    backend.put(name, ByteBuffer.wrap(body));
                }
            } catch (InterruptedException stopped) {
                return;
            } catch (IOException | RuntimeException failed) {
                // try again next period: the object goes stale only after several missed refreshes
            }
        }
    }

    /**
     * Stops rewriting it and waits for a rewrite under way to end (the caller removes it its own way): a rewrite that
     * landed after the removal would leave a live-looking object behind until it went stale.
     */
    void stopRefreshing() {
        released = true;
        refresher.interrupt();
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        boolean interrupted = false;
        while (refresher.isAlive() && System.nanoTime() < deadline) {
            try {
                refresher.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true; // a cancelled caller still releases: wait on, then keep its interrupt
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Releases it: stops rewriting it and deletes it. A cancelled holder (its thread interrupted) releases too: the
     * interrupt is put aside meanwhile and kept, since the AWS SDK fails every request of an interrupted thread and
     * interrupts it again (the object would stay until stale: a claim refusing the next run, docs/reliability.md).
     * The delete is tried three times; when all fail, the object is remembered as left behind ({@link LeftBehind}) and
     * removed at this process's next lock, claim or lease operation on the vault; a release is one: the objects left
     * behind before are tried again first.
     */
    @Override
    public void close() throws IOException {
        try (AfterCancel ignored = AfterCancel.begin()) { // a cancelled holder's requests get a short patience
            stopRefreshing();
            leftBehind.retry();
            leftBehind.remove(name);
        }
    }
}

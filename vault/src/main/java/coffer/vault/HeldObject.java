package coffer.vault;

import coffer.vault.backend.Backend;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An object that says "still here" while it is held: rewritten every {@link VaultLocks#REFRESH} by a virtual thread
 * (so others see it live and do not judge it stale), deleted on {@link #close()}. What a vault lock and a point's
 * lease are made of. Thread-safe.
 */
final class HeldObject implements AutoCloseable {
    private final Backend backend;
    private final String name;
    private final byte[] body;
    private final Thread refresher;

    HeldObject(Backend backend, String name, byte[] body) {
        this.backend = backend;
        this.name = name;
        this.body = body;
        this.refresher = Thread.ofVirtual().name("vault-held-refresh").start(this::refreshLoop);
    }

    private void refreshLoop() {
        while (true) {
            try {
                Thread.sleep(VaultLocks.REFRESH);
                backend.put(name, ByteBuffer.wrap(body));
            } catch (InterruptedException released) {
                return;
            } catch (IOException | RuntimeException failed) {
                // try again next period: the object goes stale only after several missed refreshes
            }
        }
    }

    /** Stops rewriting it (the caller removes it its own way). */
    void stopRefreshing() {
        refresher.interrupt();
    }

    @Override
    public void close() throws IOException {
        stopRefreshing();
        backend.delete(name);
    }
}

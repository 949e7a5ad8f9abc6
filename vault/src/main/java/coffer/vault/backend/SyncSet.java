package coffer.vault.backend;

import java.io.IOException;

/**
 * What one writer needs durable at its next barrier: the objects it published, and those it found present and names
 * without knowing they are durable (another writer's chunk, published and not yet behind that writer's barrier).
 * {@link #sync} makes them durable, then the set starts empty again. A writer that publishes objects it does not
 * name here (a replica's chunks, copied by its caller) says {@link #addEverything}: the next sync is then
 * {@link Backend#sync()}.
 *
 * <p>{@link #whole} ignores the names and always calls {@link Backend#sync()} (memory, S3, test wrappers); the
 * directory backend's set fsyncs each named file and its directories while they are few, and syncs the whole file
 * system beyond (docs/format/README.md, "Write order").
 *
 * <p>Thread-safe.
 */
public interface SyncSet {

    /** Records {@code name} (published, or found present) for the next {@link #sync}. */
    void add(String name);

    /** Until the next {@link #sync}: objects were published that were not {@linkplain #add added}. */
    void addEverything();

    /** Makes every recorded object durable (with its name), then starts empty. */
    void sync() throws IOException;

    /** A set that syncs all of {@code backend} every time. */
    static SyncSet whole(Backend backend) {
        return new SyncSet() {
            @Override
            public void add(String name) {
            }

            @Override
            public void addEverything() {
            }

            @Override
            public void sync() throws IOException {
                backend.sync();
            }
        };
    }
}

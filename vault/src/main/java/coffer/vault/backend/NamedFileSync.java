package coffer.vault.backend;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directory backend's {@link SyncSet}: up to {@link #MOST_NAMES} names, synced one by one ({@code fsync(2)} of
 * each file, then of each directory from the files' own up to the vault's root: a name, and a directory made for it,
 * is durable only once its directory is); beyond that many, the names are dropped and the next sync is the whole file
 * system's ({@code syncfs(2)}), as every barrier was before. So a writer's memory for names is bounded whatever it
 * writes. Why that many: one {@code fsync} cost ~2.5 ms on the test machine (each waits for the device's cache flush)
 * where a {@code syncfs} cost 0.04-0.32 s under load (it writes back every process's dirty pages): a few files
 * (a point's indexes, its manifest) are cheaper named, a backup's hundreds of new chunks are not (docs/performance.md,
 * session 24).
 *
 * <p>Thread-safe.
 */
final class NamedFileSync implements SyncSet {
    /** The most names synced one by one. */
    static final int MOST_NAMES = 32;

    private final LocalDirectoryBackend backend;
    /** Guarded by {@code this}; empty while {@link #everything}. */
    private final Set<String> names = new HashSet<>();
    /** Guarded by {@code this}. */
    private boolean everything;

    NamedFileSync(LocalDirectoryBackend backend) {
        this.backend = backend;
    }

    @Override
    public synchronized void add(String name) {
        if (!everything && names.add(ObjectNames.check(name)) && names.size() > MOST_NAMES) {
            addEverything();
        }
    }

    @Override
    public synchronized void addEverything() {
        everything = true;
        names.clear();
    }

    /** How many names are kept now (tests). */
    synchronized int size() {
        return names.size();
    }

    @Override
    public void sync() throws IOException {
        List<String> batch;
        boolean all;
        synchronized (this) {
            batch = List.copyOf(names);
            all = everything;
            names.clear();
            everything = false;
        }
        try {
            if (all) {
                backend.sync();
            } else if (!batch.isEmpty()) {
                backend.syncNamed(batch);
            }
        } catch (IOException | RuntimeException e) {
            addEverything(); // what this sync was to cover is not known durable: the next one covers all
            throw e;
        }
    }
}

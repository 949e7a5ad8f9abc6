package coffer.vault.read;

import coffer.vault.ChunkId;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded cache of chunk contents (plaintext, authenticated) by chunk or patch id, for reading points on
 * demand: many small reads of one chunk (a guest reading 4 KiB blocks, {@code qemu-img} and file system tools
 * probing) fetch, decrypt and decompress it once. Keys are content addresses, so one cache serves any number of
 * points and disks of one vault, and a chunk two points share is held once.
 *
 * <p>Bounded by the bytes held ({@link #capacity()}); eviction is Caffeine's (frequency and recency, resistant
 * to one long sequential scan flushing a hot working set). A chunk is loaded once however many readers want it
 * at the same time: the others wait for that load. A failed load (damaged data) is not cached: the next read
 * tries again and fails again, or succeeds once the chunk is stored again.
 *
 * <p>Thread-safe.
 */
public final class ChunkCache {
    /** Loads a chunk's content; its array's length is the chunk's length. */
    public interface Loader {
        byte[] load() throws IOException;
    }

    private final long capacity;
    private final Cache<ChunkId, byte[]> cache;
    private final ConcurrentHashMap<ChunkId, CompletableFuture<byte[]>> loading = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    public ChunkCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("negative cache capacity " + capacityBytes);
        }
        this.capacity = capacityBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(capacityBytes)
                .weigher((ChunkId id, byte[] content) -> content.length)
                .executor(Runnable::run)
                .build();
    }

    /** The chunk's content from the cache, or from {@code loader} (once, however many callers ask at once). */
    public byte[] get(ChunkId id, Loader loader) throws IOException {
        byte[] cached = cache.getIfPresent(id);
        if (cached != null) {
            hits.incrementAndGet();
            return cached;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> theirs = loading.putIfAbsent(id, mine);
        if (theirs == null) {
            loads.incrementAndGet();
            try {
                byte[] content = loader.load();
                cache.put(id, content);
                mine.complete(content);
                return content;
            } catch (IOException | RuntimeException | Error e) {
                mine.completeExceptionally(e); // not cached: the next read loads again
                throw e;
            } finally {
                loading.remove(id, mine);
            }
        }
        hits.incrementAndGet();
        try {
            return theirs.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                case null, default -> throw new UncheckedIOException(new IOException(e.getCause()));
            }
        }
    }

    /** The most bytes of chunk content held at once. */
    public long capacity() {
        return capacity;
    }

    /** Chunks loaded (cache misses) since creation. */
    public long loads() {
        return loads.get();
    }

    /** Reads answered from the cache (or from another reader's load) since creation. */
    public long hits() {
        return hits.get();
    }

    /** Drops every cached chunk (a cold cache, for measurements). */
    public void clear() {
        cache.invalidateAll();
    }
}

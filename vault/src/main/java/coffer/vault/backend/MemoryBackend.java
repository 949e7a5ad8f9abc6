package coffer.vault.backend;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects in a map, for tests and benchmarks. Everything is "durable" at once.
 *
 * <p>Thread-safe.
 */
public final class MemoryBackend implements Backend {
    private record Stored(byte[] bytes, Instant modified) {
    }

    private final ConcurrentHashMap<String, Stored> objects = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemoryBackend() {
        this(Clock.systemUTC());
    }

    public MemoryBackend(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void put(String name, ByteBuffer data) {
        objects.put(ObjectNames.check(name), new Stored(copy(data), clock.instant()));
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) {
        return objects.putIfAbsent(ObjectNames.check(name), new Stored(copy(data), clock.instant())) == null;
    }

    @Override
    public ByteBuffer get(String name) throws ObjectNotFoundException {
        Stored stored = objects.get(ObjectNames.check(name));
        if (stored == null) {
            throw new ObjectNotFoundException(describe(), name);
        }
        return ByteBuffer.wrap(stored.bytes.clone());
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        Stored stored = objects.get(ObjectNames.check(name));
        return Optional.ofNullable(stored).map(s -> new ObjectInfo(name, s.bytes.length, s.modified));
    }

    @Override
    public void delete(String name) {
        objects.remove(ObjectNames.check(name));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> result = new ArrayList<>();
        objects.forEach((name, s) -> {
            if (name.startsWith(prefix)) {
                result.add(new ObjectInfo(name, s.bytes.length, s.modified));
            }
        });
        return result;
    }

    @Override
    public void sync() {
    }

    @Override
    public int removeAbandonedUploads(Instant olderThan) {
        return 0;
    }

    @Override
    public String describe() {
        return "memory backend";
    }

    /** Replaces an object's bytes in place, bypassing the contract: for damage-injection tests. */
    public void damage(String name, byte[] replacement) {
        objects.computeIfPresent(name, (n, s) -> new Stored(replacement.clone(), s.modified));
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }
}

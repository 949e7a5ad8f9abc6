package coffer.testing;

import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.crypto.KeyService;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Progress;
import coffer.vault.read.DiskRestorer;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * A vault with the smallest chunk size and short-hand for the usual steps of a test: back up a byte
 * array as a one-disk point, restore a disk to bytes, count chunk objects. Points get creation times one
 * minute apart, each after every point already in the vault, so they list in the order they were written.
 *
 * <p>Not thread-safe.
 */
public final class TestVault implements AutoCloseable {
    public static final int CHUNK = 256 * 1024;
    public static final int THREADS = 2;
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final Vault vault;
    private Instant lastCreated;

    private TestVault(Vault vault, Instant lastCreated) {
        this.vault = vault;
        this.lastCreated = lastCreated;
    }

    public static TestVault create(Backend backend, KeyService keys) throws IOException {
        return new TestVault(Vault.create(backend, CHUNK, keys), EPOCH);
    }

    public static TestVault open(Backend backend, KeyService keys) throws IOException {
        Vault vault = Vault.open(backend, keys);
        Instant last = EPOCH;
        for (PointManifest point : vault.points()) {
            last = point.createdAt().isAfter(last) ? point.createdAt() : last;
        }
        return new TestVault(vault, last);
    }

    public Vault vault() {
        return vault;
    }

    public Backend backend() {
        return vault.backend();
    }

    /** A creation time one minute after the previous one, for points written with a {@link PointWriter}. */
    public Instant nextCreationTime() {
        lastCreated = lastCreated.plusSeconds(60);
        return lastCreated;
    }

    /** Backs {@code disk} up as point {@code name} with one disk {@code vda}. */
    public PointManifest backup(String name, byte[] disk) throws IOException {
        return backup(name, ByteArrayBlockSource.of(disk), null);
    }

    /** Backs {@code source} up as point {@code name}; with a {@code base}, its point is the new point's parent. */
    public PointManifest backup(String name, BlockSource source, DiskBase base) throws IOException {
        try (PointWriter writer = PointWriter.begin(vault, name, nextCreationTime(), THREADS)) {
            writer.writeDisk("vda", source, "raw", base, Progress.NONE);
            return writer.commit("CRASH", base == null ? null : base.pointId(), List.of(), null);
        }
    }

    public byte[] restore(PointManifest point, String disk) throws IOException {
        PointManifest.Disk d = point.disk(disk);
        ByteArrayBlockSink sink = new ByteArrayBlockSink((int) d.size());
        new DiskRestorer(vault, THREADS).restore(point, d, sink, false, Progress.NONE);
        return sink.bytes();
    }

    public FixedIndex index(PointManifest point, String disk) throws IOException {
        return vault.readIndex(point, point.disk(disk));
    }

    /** Names of the chunk objects in the backend. */
    public List<String> chunkObjects() throws IOException {
        return backend().list(Vault.CHUNKS).stream().map(ObjectInfo::name).sorted().toList();
    }

    /** Names of every object in the backend. */
    public List<String> objects(String prefix) throws IOException {
        return backend().list(prefix).stream().map(ObjectInfo::name).sorted().toList();
    }

    @Override
    public void close() throws IOException {
        vault.close();
    }
}

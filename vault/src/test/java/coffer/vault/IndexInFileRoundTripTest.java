package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.maintenance.Verifier;
import coffer.vault.replicate.PointReplicator;
import coffer.vault.write.DiskBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every index kept in a temporary file (the heap limit set to 0, as a disk whose index is larger than the heap:
 * docs/format/index.md, "Memory"): backup full and incremental (with patches), restore, verify, stats, gc and
 * replication work as with indexes on the heap, and the index objects written are the very ones the in-heap code
 * writes and reads.
 */
class IndexInFileRoundTripTest {
    private static final int SIZE = 40 * CHUNK + 777;
    private static final List<Extent> CHANGES = List.of(new Extent(CHUNK + 100, 50), new Extent(20L * CHUNK - 10, 4000),
            new Extent(40L * CHUNK + 700, 77));

    @TempDir
    Path dir;

    @BeforeEach
    void everyIndexInAFile() {
        System.setProperty(FixedIndex.HEAP_LIMIT_PROPERTY, "0");
    }

    @AfterEach
    void heapLimitAsDefault() {
        System.clearProperty(FixedIndex.HEAP_LIMIT_PROPERTY);
    }

    /** Data at the start, the middle and the end; zeros between. */
    private static byte[] firstDisk() {
        return new DiskImage(SIZE, 41).random(0, 3 * CHUNK).random(19L * CHUNK, 2 * CHUNK)
                .random(39L * CHUNK, CHUNK + 777).bytes();
    }

    private static byte[] changed(byte[] disk) {
        DiskImage image = DiskImage.from(disk, 42);
        CHANGES.forEach(e -> image.random(e.offset(), (int) e.length()));
        return image.bytes();
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL", "LOCAL_ENCRYPTED"})
    void fullIncrementalRestoreVerifyStatsAndGcWithIndexesInFiles(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            FixedIndex base = vault.index(first, "vda");
            assertFalse(base.inHeap());
            PointManifest second = vault.backup("vm", ByteArrayBlockSource.of(next), new DiskBase(first.id(), base, CHANGES));
            FixedIndex index = vault.index(second, "vda");
            assertEquals(4, index.patchCount(), "chunks 1, 19, 20 and 40 as patches");
            assertArrayEquals(next, vault.restore(second, "vda"));
            assertArrayEquals(disk, vault.restore(first, "vda"));

            // the stored index objects are what the in-heap code writes and reads, byte for byte
            System.clearProperty(FixedIndex.HEAP_LIMIT_PROPERTY);
            for (PointManifest point : List.of(first, second)) {
                String name = point.disk("vda").index();
                ByteBuffer stored = vault.backend().get(name);
                byte[] body = vault.vault().codec().open(ObjectKind.INDEX, name, stored);
                FixedIndex older = FixedIndex.decode(name, body);
                assertTrue(older.inHeap());
                assertEquals(point.disk("vda").indexChecksum(), older.checksum());
                assertArrayEquals(body, older.encode());
            }
            assertArrayEquals(next, vault.restore(second, "vda"), "restored by the in-heap code too");
            System.setProperty(FixedIndex.HEAP_LIMIT_PROPERTY, "0");

            assertTrue(new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE).clean());
            assertEquals(0, new StatsCollector(vault.vault()).collect().unreferencedChunks());
            vault.vault().deletePoint(first.id());
            new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ZERO);
            assertArrayEquals(next, vault.restore(second, "vda"), "gc kept every chunk and patch base the second needs");
            assertTrue(new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE).clean());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void replicationFullThenIncrementalWithIndexesInFiles(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault source = flavour.create(dir.resolve("source"));
             TestVault destination = TestVault.create(new LocalDirectoryBackend(dir.resolve("replica")),
                     new LocalKeyRing(dir.resolve("replica-keyring.json")))) {
            PointManifest first = source.backup("vm", disk);
            PointManifest second = source.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), source.index(first, "vda"), CHANGES));
            PointManifest copy = null;
            for (PointManifest point : List.of(first, second)) {
                copy = new PointReplicator(source.vault(), destination.vault(), 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE).replica();
            }
            assertArrayEquals(next, destination.restore(copy, "vda"));
            assertEquals(4, destination.index(copy, "vda").patchCount());
            assertTrue(new Verifier(destination.vault(), 2).verify(destination.vault().points(), Progress.NONE).clean());
        }
    }
}

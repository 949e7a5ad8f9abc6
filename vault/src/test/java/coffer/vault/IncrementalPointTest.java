package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import coffer.vault.write.DiskBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Second and later points: what is stored again, and what is read again. */
class IncrementalPointTest {
    private static final int SIZE = 10 * CHUNK + 5000;

    @TempDir
    Path dir;

    private static byte[] firstDisk() {
        return new DiskImage(SIZE, 31).random(0, SIZE).zeros(6L * CHUNK, CHUNK).bytes();
    }

    /** Changes inside chunk 1, across the boundary of chunks 4 and 5, and in the short last chunk 10. */
    private static final List<Extent> CHANGES = List.of(
            new Extent(CHUNK + 100, 50),
            new Extent(5L * CHUNK - 2000, 4000),
            new Extent(10L * CHUNK + 4000, 1000));

    private static byte[] changed(byte[] disk) {
        DiskImage image = DiskImage.from(disk, 32);
        for (Extent e : CHANGES) {
            image.random(e.offset(), (int) e.length());
        }
        return image.bytes();
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void aSecondPointOfTheSameContentStoresNoNewChunk(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            List<String> chunks = vault.chunkObjects();
            assertEquals(10, chunks.size(), "eleven chunks, chunk 6 zero");

            PointManifest again = vault.backup("vm", disk);
            assertEquals(0, again.disk("vda").newChunks(), "without a base: found in the backend");
            assertEquals(0, again.disk("vda").newStoredBytes());
            PointManifest based = vault.backup("vm", ByteArrayBlockSource.of(disk),
                    DiskBase.dedupAgainst(first.id(), vault.index(first, "vda")));
            assertEquals(0, based.disk("vda").newChunks(), "with the previous index as base");
            assertEquals(chunks, vault.chunkObjects());
            assertEquals(vault.index(first, "vda").checksum(), vault.index(based, "vda").checksum());
            assertArrayEquals(disk, vault.restore(based, "vda"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void scatteredChangesStoreOnlyTheChangedChunks(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            int before = vault.chunkObjects().size();
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, DiskBase.dedupAgainst(first.id(), vault.index(first, "vda")));

            assertEquals(4, second.disk("vda").newChunks(), "chunks 1, 4, 5 and 10 changed");
            assertEquals(before + 4, vault.chunkObjects().size());
            assertEquals(SIZE, source.bytesRead(), "without changed extents every chunk is read again");
            assertEquals(SIZE, second.disk("vda").readBytes());
            assertArrayEquals(next, vault.restore(second, "vda"));
            assertArrayEquals(disk, vault.restore(first, "vda"), "the first point is unchanged");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void withChangedExtentsUnchangedChunksAreTakenFromTheBaseUnread(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            FixedIndex base = vault.index(first, "vda");
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), base, CHANGES));

            for (Extent read : source.readRanges()) {
                long chunk = read.offset() / CHUNK;
                assertTrue(chunk == 1 || chunk == 4 || chunk == 5 || chunk == 10, "read " + read + " in chunk " + chunk);
            }
            assertEquals(3L * CHUNK + 5000, source.bytesRead(), "chunks 1, 4, 5 whole and the 5000-byte last chunk");
            assertEquals(source.bytesRead(), second.disk("vda").readBytes());
            assertEquals(4, second.disk("vda").newChunks());
            assertEquals(10, second.disk("vda").dataChunks(), "chunks taken unread still count as data");
            assertArrayEquals(next, vault.restore(second, "vda"));

            PointManifest full = vault.backup("vm", next);
            assertEquals(vault.index(full, "vda").checksum(), vault.index(second, "vda").checksum(),
                    "the same index as reading everything");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void ofAChangedChunkThatWasZeroInTheBaseOnlyTheChangedExtentsAreRead(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk(); // chunk 6 is all zeros
        List<Extent> changes = List.of(
                new Extent(6L * CHUNK + 300, 700),
                new Extent(6L * CHUNK + 600, 1000),      // overlaps the first: read once
                new Extent(7L * CHUNK - 100, 300),       // into chunk 7, which is not zero: read whole
                new Extent(2L * CHUNK + 10, 20));
        DiskImage image = DiskImage.from(disk, 35);
        for (Extent e : changes) {
            image.random(e.offset(), (int) e.length());
        }
        byte[] next = image.bytes();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), vault.index(first, "vda"), changes));

            List<Extent> inChunk6 = source.readRanges().stream().filter(r -> r.offset() / CHUNK == 6).toList();
            assertEquals(List.of(new Extent(6L * CHUNK + 300, 1300), new Extent(7L * CHUNK - 100, 100)), inChunk6,
                    "chunk 6: only the changed bytes, overlapping changes once");
            assertEquals(1300 + 100 + 2L * CHUNK, source.bytesRead(), "chunks 2 and 7 whole");
            assertEquals(source.bytesRead(), second.disk("vda").readBytes());
            assertArrayEquals(next, vault.restore(second, "vda"));
            PointManifest full = vault.backup("vm", next);
            assertEquals(vault.index(full, "vda").checksum(), vault.index(second, "vda").checksum(),
                    "the same index as reading everything");
        }
    }

    @Test
    void aChangedChunkThatWasZeroAndIsAHoleNowIsZeroUnread() throws IOException {
        byte[] disk = firstDisk();
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            ByteArrayBlockSource source = ByteArrayBlockSource.sparse(disk, 4096);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), vault.index(first, "vda"),
                    List.of(new Extent(6L * CHUNK + 4096, 8192))));
            assertEquals(0, source.bytesRead(), "the changed range is a hole of the source: nothing to read");
            assertEquals(vault.index(first, "vda").checksum(), second.disk("vda").indexChecksum());
        }
    }

    @Test
    void aBaseWhosePointWasDeletedAndCollectedIsNotTrusted() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            FixedIndex base = vault.index(first, "vda");
            vault.vault().deletePoint(first.id());
            new coffer.vault.maintenance.GarbageCollector(vault.vault()).collect(java.time.Duration.ZERO, java.time.Duration.ofSeconds(5));
            assertTrue(vault.chunkObjects().isEmpty(), "the base's chunks are gone");
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), base, CHANGES));
            assertEquals(next.length, source.bytesRead(), "everything is read again");
            assertArrayEquals(next, vault.restore(second, "vda"), "no reference to a swept chunk");
        }
    }

    @Test
    void aDiskThatChangedSizeIsReadWholeDespiteChangedExtents() throws IOException {
        byte[] disk = firstDisk();
        byte[] grown = new DiskImage(SIZE + CHUNK, 33).random(0, SIZE + CHUNK).bytes();
        System.arraycopy(disk, 0, grown, 0, SIZE);
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            ByteArrayBlockSource source = ByteArrayBlockSource.of(grown);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), vault.index(first, "vda"), List.of()));
            assertEquals(grown.length, source.bytesRead());
            assertArrayEquals(grown, vault.restore(second, "vda"));
        }
    }

    @Test
    void noChangedExtentsMeansNothingIsRead() throws IOException {
        byte[] disk = firstDisk();
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            ByteArrayBlockSource source = ByteArrayBlockSource.of(disk);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), vault.index(first, "vda"), List.of()));
            assertEquals(0, source.reads());
            assertEquals(0, second.disk("vda").readBytes());
            assertEquals(vault.index(first, "vda").checksum(), second.disk("vda").indexChecksum());
            assertArrayEquals(disk, vault.restore(second, "vda"));
        }
    }

    @Test
    void chunksRepeatedWithinOneDiskAreStoredOnce() throws IOException {
        byte[] block = TestData.random(34, CHUNK);
        byte[] disk = new byte[8 * CHUNK];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(block, 0, disk, i * CHUNK, CHUNK);
        }
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            assertEquals(1, vault.chunkObjects().size());
            assertEquals(1, point.disk("vda").newChunks());
            assertEquals(8, point.disk("vda").dataChunks());
            assertArrayEquals(disk, vault.restore(point, "vda"));
        }
    }
}

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

    /** Reads run on several threads: their ranges by offset. */
    private static List<Extent> inOrder(List<Extent> ranges) {
        return ranges.stream().sorted(java.util.Comparator.comparingLong(Extent::offset)).toList();
    }

    private static byte[] changed(byte[] disk) {
        DiskImage image = DiskImage.from(disk, 32);
        for (Extent e : CHANGES) {
            image.random(e.offset(), (int) e.length());
        }
        return image.bytes();
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
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
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
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
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void withChangedExtentsOnlyTheChangedBytesAreReadAndStoredAsPatches(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            FixedIndex base = vault.index(first, "vda");
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), base, CHANGES));

            assertEquals(List.of(new Extent(CHUNK + 100, 50), new Extent(5L * CHUNK - 2000, 2000),
                    new Extent(5L * CHUNK, 2000), new Extent(10L * CHUNK + 4000, 1000)), inOrder(source.readRanges()),
                    "only the changed bytes, chunk by chunk");
            assertEquals(source.bytesRead(), second.disk("vda").readBytes());
            assertEquals(4, second.disk("vda").newChunks(), "one patch for each of chunks 1, 4, 5 and 10");
            assertEquals(10, second.disk("vda").dataChunks(), "chunks taken unread still count as data");
            FixedIndex index = vault.index(second, "vda");
            assertEquals(4, index.patchCount());
            assertEquals(new FixedIndex.Patched(base.get(1), 50), index.patchOf(1));
            assertEquals(new FixedIndex.Patched(base.get(10), 1000), index.patchOf(10));
            assertEquals(null, index.patchOf(0));
            assertTrue(second.disk("vda").newStoredBytes() < 4 * 4096, "patches hold the changes, not whole chunks: "
                    + second.disk("vda").newStoredBytes());
            assertArrayEquals(next, vault.restore(second, "vda"));
            assertArrayEquals(disk, vault.restore(first, "vda"), "the first point is unchanged");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aPatchedChunkThatChangesAgainIsReadWholeAndUnchangedPatchesAreCarriedOver(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        List<Extent> again = List.of(new Extent(CHUNK + 1000, 10), new Extent(3L * CHUNK, 10));
        DiskImage image = DiskImage.from(next, 36);
        again.forEach(e -> image.random(e.offset(), (int) e.length()));
        byte[] third = image.bytes();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            PointManifest second = vault.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), vault.index(first, "vda"), CHANGES));
            ByteArrayBlockSource source = ByteArrayBlockSource.of(third);
            PointManifest last = vault.backup("vm", source, new DiskBase(second.id(), vault.index(second, "vda"), again));

            assertEquals(List.of(new Extent(CHUNK, CHUNK), new Extent(3L * CHUNK, 10)), inOrder(source.readRanges()),
                    "chunk 1 (a patch) whole, chunk 3 (a chunk) patched");
            FixedIndex index = vault.index(last, "vda");
            assertEquals(null, index.patchOf(1), "chunk 1 is a whole chunk again");
            assertEquals(vault.index(second, "vda").patchOf(4), index.patchOf(4), "chunk 4's patch carried over");
            assertEquals(4, index.patchCount(), "chunks 3, 4, 5 and 10");
            assertArrayEquals(third, vault.restore(last, "vda"));
            assertArrayEquals(next, vault.restore(second, "vda"));
        }
    }

    @Test
    void aChunkOfWhichMoreThanHalfChangedIsReadWhole() throws IOException {
        byte[] disk = firstDisk();
        List<Extent> changes = List.of(new Extent(2L * CHUNK, CHUNK / 2), new Extent(3L * CHUNK + 10, CHUNK / 2 + 1));
        DiskImage image = DiskImage.from(disk, 37);
        changes.forEach(e -> image.random(e.offset(), (int) e.length()));
        byte[] next = image.bytes();
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), vault.index(first, "vda"), changes));
            assertEquals(List.of(new Extent(2L * CHUNK, CHUNK / 2), new Extent(3L * CHUNK, CHUNK)), inOrder(source.readRanges()),
                    "half of chunk 2 is a patch; more than half of chunk 3 is read whole");
            FixedIndex index = vault.index(second, "vda");
            assertEquals(1, index.patchCount());
            assertEquals(CHUNK / 2, index.patchOf(2).bytes());
            assertArrayEquals(next, vault.restore(second, "vda"));
        }
    }

    @Test
    void aChangedChunkWhoseBaseChunkIsGoneIsReadWhole() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            FixedIndex base = vault.index(first, "vda");
            vault.backend().delete(base.get(1).objectName()); // as vault verify --quarantine moves a damaged chunk away
            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), base, CHANGES));
            assertEquals(new Extent(CHUNK, CHUNK), inOrder(source.readRanges()).getFirst(), "chunk 1 read whole");
            assertEquals(null, vault.index(second, "vda").patchOf(1));
            assertEquals(3, vault.index(second, "vda").patchCount());
            assertArrayEquals(next, vault.restore(second, "vda"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aQuarantinedChunkIsReadAgainByTheNextIncrementalThoughUnchanged(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = flavour.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            FixedIndex base = vault.index(first, "vda");
            String chunk2 = base.get(2).objectName();
            int moved = new coffer.vault.maintenance.Quarantine(vault.vault()).quarantine(List.of(new coffer.vault.maintenance.Damage(
                    first.id(), "vda", 2L * CHUNK, CHUNK, chunk2, "test damage")), java.time.Duration.ofSeconds(5));
            assertEquals(1, moved);
            assertTrue(!vault.chunkObjects().contains(chunk2));

            ByteArrayBlockSource source = ByteArrayBlockSource.of(next);
            PointManifest second = vault.backup("vm", source, new DiskBase(first.id(), base, CHANGES));
            assertTrue(inOrder(source.readRanges()).contains(new Extent(2L * CHUNK, CHUNK)),
                    "chunk 2, unchanged but quarantined, read whole: " + source.readRanges());
            assertTrue(vault.chunkObjects().contains(chunk2), "stored again");
            assertArrayEquals(next, vault.restore(second, "vda"));
            assertArrayEquals(disk, vault.restore(first, "vda"), "the first point is whole again");

            ByteArrayBlockSource again = ByteArrayBlockSource.of(next);
            vault.backup("vm", again, new DiskBase(second.id(), vault.index(second, "vda"), List.of()));
            assertEquals(0, again.bytesRead(), "once stored again, the damaged copy kept as evidence changes nothing");
        }
    }

    @Test
    void gcKeepsTheBaseChunksOfPatchesWhenTheBasePointIsDeleted() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            PointManifest first = vault.backup("vm", disk);
            PointManifest second = vault.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), vault.index(first, "vda"), CHANGES));
            vault.vault().deletePoint(first.id());
            var report = new coffer.vault.maintenance.GarbageCollector(vault.vault())
                    .collect(java.time.Duration.ZERO, java.time.Duration.ofSeconds(5));
            assertEquals(0, report.sweptChunks(), "every chunk of the first point is a base or a chunk of the second");
            assertArrayEquals(next, vault.restore(second, "vda"));
            vault.vault().deletePoint(second.id());
            new coffer.vault.maintenance.GarbageCollector(vault.vault()).collect(java.time.Duration.ZERO, java.time.Duration.ofSeconds(5));
            assertTrue(vault.chunkObjects().isEmpty(), "patches and their bases are collected with the last point");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void ofAChangedChunkThatWasZeroInTheBaseOnlyTheChangedExtentsAreRead(VaultFlavour flavour) throws IOException {
        byte[] disk = firstDisk(); // chunk 6 is all zeros
        List<Extent> changes = List.of(
                new Extent(6L * CHUNK + 300, 700),
                new Extent(6L * CHUNK + 600, 1000),      // overlaps the first: read once
                new Extent(7L * CHUNK - 100, 300),       // into chunk 7, which is not zero: a patch
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
            assertEquals(1300 + 100 + 200 + 20, source.bytesRead(), "of chunks 2 and 7 (patched) also only the changed bytes");
            assertEquals(source.bytesRead(), second.disk("vda").readBytes());
            assertArrayEquals(next, vault.restore(second, "vda"));
            FixedIndex index = vault.index(second, "vda");
            assertEquals(null, index.patchOf(6), "a chunk that was zero is stored whole (its base is no chunk)");
            PointManifest full = vault.backup("vm", next);
            assertEquals(vault.index(full, "vda").get(6), index.get(6), "the same chunk 6 as reading everything");
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

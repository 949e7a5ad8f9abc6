package coffer.vault;

import coffer.testing.ByteArrayBlockSink;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.format.Json;
import coffer.vault.io.Progress;
import coffer.vault.read.DiskRestorer;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing a point with {@link PointWriter} and reading it back with {@link DiskRestorer}. */
class PointRoundTripTest {
    @TempDir
    Path dir;

    /**
     * Six and a bit chunks: data, a zero chunk, a copy of chunk 0, text with a zero range inside, random with
     * an unaligned copy of earlier bytes, another zero chunk, and a short random tail.
     */
    static byte[] mixedDisk() {
        return new DiskImage(6 * CHUNK + 12345, 11)
                .random(0, CHUNK)
                .copy(0, 2L * CHUNK, CHUNK)
                .text(3L * CHUNK, CHUNK)
                .zeros(3L * CHUNK + 5000, 10_000)
                .random(4L * CHUNK, CHUNK)
                .copy(100, 4L * CHUNK + 777, 50_000)
                .random(6L * CHUNK, 12345)
                .bytes();
    }

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void restoreIsBitExactForADiskWithZeroAndDuplicatedRanges(VaultFlavour flavour) throws IOException {
        byte[] disk = mixedDisk();
        try (TestVault vault = flavour.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            byte[] restored = vault.restore(vault.vault().point(point.id()), "vda");
            assertEquals(TestData.sha256(disk), TestData.sha256(restored));

            PointManifest.Disk d = point.disk("vda");
            assertEquals(disk.length, d.size());
            assertEquals(CHUNK, d.chunkSize());
            assertEquals(5, d.dataChunks(), "chunks 0, 2, 3, 4 and the tail hold data");
            assertEquals(4, d.newChunks(), "chunk 2 repeats chunk 0");
            assertEquals(4, vault.chunkObjects().size());
            assertEquals(disk.length, d.readBytes(), "a source that cannot tell holes is read whole");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void zeroChunksAreNotStoredAndHolesAreNotRead(VaultFlavour flavour) throws IOException {
        byte[] disk = new DiskImage(8 * CHUNK, 12).random(3L * CHUNK + 8192, 4096).bytes();
        ByteArrayBlockSource source = ByteArrayBlockSource.sparse(disk, 4096);
        try (TestVault vault = flavour.create(dir)) {
            PointManifest point = vault.backup("vm", source, null);
            assertEquals(1, vault.chunkObjects().size());
            assertEquals(1, point.disk("vda").dataChunks());
            assertEquals(4096, point.disk("vda").readBytes());
            assertEquals(List.of(new Extent(3L * CHUNK + 8192, 4096)), source.readRanges());
            for (int i = 0; i < 8; i++) {
                assertEquals(i != 3, vault.index(point, "vda").get(i).isZero(), "chunk " + i);
            }
            assertArrayEquals(disk, vault.restore(point, "vda"));
        }
    }

    @Test
    void aDiskOfZerosStoresNothing() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("vm", new byte[3 * CHUNK + 1]);
            assertEquals(List.of(), vault.chunkObjects());
            assertEquals(0, point.disk("vda").dataChunks());
            assertArrayEquals(new byte[3 * CHUNK + 1], vault.restore(point, "vda"));
        }
    }

    @Test
    void emptyAndOneByteDisksRoundTrip() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            assertArrayEquals(new byte[0], vault.restore(vault.backup("empty", new byte[0]), "vda"));
            assertArrayEquals(new byte[]{7}, vault.restore(vault.backup("one", new byte[]{7}), "vda"));
        }
    }

    @Test
    void aPointWithTwoDisksRestoresEach() throws IOException {
        byte[] vda = TestData.text(13, 2 * CHUNK + 5);
        byte[] vdb = TestData.random(14, CHUNK - 5);
        try (TestVault vault = VaultFlavour.LOCAL.create(dir)) {
            PointManifest point;
            try (PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
                writer.writeDisk("vda", ByteArrayBlockSource.of(vda), "raw", null, Progress.NONE);
                writer.writeDisk("vdb", ByteArrayBlockSource.of(vdb), "qcow2", null, Progress.NONE);
                writer.verifyOnCommit(); // the manifest read back must equal the one written: a long fact too
                point = writer.commit("FILESYSTEM", null, List.of(new PointManifest.SkippedDisk("vdc", "shareable")),
                        Json.MAPPER.createObjectNode().put("version", 1).put("domainXml", "<domain/>").put("freezeMillis", 169L));
            }
            PointManifest read = vault.vault().point(point.id());
            assertEquals(point, read);
            assertEquals(List.of("vda", "vdb"), read.disks().stream().map(PointManifest.Disk::name).toList());
            assertEquals("qcow2", read.disk("vdb").sourceFormat());
            assertEquals("FILESYSTEM", read.consistency());
            assertEquals(List.of(new PointManifest.SkippedDisk("vdc", "shareable")), read.skipped());
            assertEquals("<domain/>", read.facts().path("domainXml").asText());
            assertEquals(PointManifest.VERSION, read.version());
            assertEquals(Map.of(), read.attributes(), "version 3 writes facts, not attributes");
            assertEquals(vda.length + vdb.length, read.logicalBytes());
            assertArrayEquals(vda, vault.restore(read, "vda"));
            assertArrayEquals(vdb, vault.restore(read, "vdb"));
            assertThrows(DiskNotInPointException.class, () -> read.disk("vdz")); // DiskNotInPoint, not PointNotFound (session 19)
        }
    }

    @Test
    void restoreWritesOnlyDataChunksUnlessAskedToZeroHoles() throws IOException {
        byte[] disk = new DiskImage(4 * CHUNK, 15).random(0, CHUNK).random(2L * CHUNK, CHUNK).bytes();
        byte[] used = new byte[disk.length];
        Arrays.fill(used, (byte) 0x5a);
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("vm", disk);
            PointManifest.Disk d = point.disk("vda");

            ByteArrayBlockSink sparse = ByteArrayBlockSink.holding(used);
            new DiskRestorer(vault.vault(), 2).restore(point, d, sparse, false, Progress.NONE);
            assertEquals(2, sparse.writes(), "only the two data chunks are written");
            assertTrue(sparse.committed());
            assertArrayEquals(Arrays.copyOfRange(used, CHUNK, 2 * CHUNK), Arrays.copyOfRange(sparse.bytes(), CHUNK, 2 * CHUNK));

            ByteArrayBlockSink inPlace = ByteArrayBlockSink.holding(used);
            new DiskRestorer(vault.vault(), 2).restore(point, d, inPlace, true, Progress.NONE);
            assertArrayEquals(disk, inPlace.bytes());
        }
    }

    @Test
    void progressCountsEveryLogicalByteOnceInBothDirections() throws IOException {
        byte[] disk = mixedDisk();
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            AtomicLong written = new AtomicLong();
            PointManifest point;
            try (PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
                writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", null, written::addAndGet);
                point = writer.commit("CRASH", null, null, null);
            }
            assertEquals(disk.length, written.get());
            AtomicLong restored = new AtomicLong();
            new DiskRestorer(vault.vault(), 2).restore(point, point.disk("vda"), new ByteArrayBlockSink(disk.length), false,
                    restored::addAndGet);
            assertEquals(disk.length, restored.get());
        }
    }

    @Test
    void restoringIntoASinkSmallerThanTheDiskIsRefused() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("vm", TestData.random(16, CHUNK + 10));
            ByteArrayBlockSink small = new ByteArrayBlockSink(CHUNK);
            assertThrows(IllegalArgumentException.class, () -> new DiskRestorer(vault.vault(), 2)
                    .restore(point, point.disk("vda"), small, false, Progress.NONE));
            assertEquals(0, small.writes());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL"})
    void aWriterClosedWithoutCommitLeavesNoPointAndNoIndex(VaultFlavour flavour) throws IOException {
        try (TestVault vault = flavour.create(dir)) {
            try (PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
                writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(17, 2 * CHUNK)), "raw", null, Progress.NONE);
                writer.writeDisk("vdb", ByteArrayBlockSource.of(TestData.random(18, CHUNK)), "raw", null, Progress.NONE);
                assertEquals(List.of(UnfinishedMarker.objectName(writer.id())), vault.objects(Vault.POINTS),
                        "indexes are published only at commit, after one barrier; until then the point is marked unfinished");
                assertEquals(3, vault.chunkObjects().size());
            }
            assertEquals(List.of(), vault.vault().points());
            assertEquals(List.of(), vault.objects(Vault.POINTS));
            assertEquals(List.of(), vault.objects("locks/"), "the shared lock is released");
            assertEquals(List.of(), vault.chunkObjects(), "the chunks it created and no point uses are removed");
        }
    }

    @Test
    void aFailingSourceFailsTheDiskAndLeavesNoPointIndexOrLock() throws IOException {
        byte[] disk = TestData.random(19, 4 * CHUNK);
        BlockSource failing = new FailingSource(ByteArrayBlockSource.of(disk), 2L * CHUNK);
        try (TestVault vault = VaultFlavour.LOCAL.create(dir)) {
            IOException e = assertThrows(IOException.class, () -> {
                try (PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
                    writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(20, CHUNK)), "raw", null, Progress.NONE);
                    writer.writeDisk("vdb", failing, "raw", null, Progress.NONE);
                    writer.commit("CRASH", null, null, null);
                }
            });
            assertTrue(e.getMessage().contains("disk unreadable"), e.getMessage());
            assertEquals(List.of(), vault.vault().points());
            assertEquals(List.of(), vault.objects(Vault.POINTS));
            assertEquals(List.of(), vault.objects("locks/"));
        }
    }

    @Test
    void disksWrittenConcurrentlyKeepTheOrderTheyWereReservedIn() throws Exception {
        byte[] vda = TestData.random(21, 3 * CHUNK + 7);
        byte[] vdb = TestData.text(22, CHUNK + 3);
        try (TestVault vault = VaultFlavour.LOCAL.create(dir)) {
            PointManifest point;
            try (PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
                PointWriter.Slot first = writer.reserve("vda");
                PointWriter.Slot second = writer.reserve("vdb");
                // the second place is written first, on another thread, while the first is still pending
                var other = java.util.concurrent.Executors.newSingleThreadExecutor();
                try {
                    other.submit(() -> writer.writeDisk(second, ByteArrayBlockSource.of(vdb), "raw", null,
                            Progress.NONE)).get();
                } finally {
                    other.shutdown();
                }
                IllegalStateException early = assertThrows(IllegalStateException.class,
                        () -> writer.commit("CRASH", null, List.of(), null));
                assertTrue(early.getMessage().contains("not written"), early.getMessage());
                writer.writeDisk(first, ByteArrayBlockSource.of(vda), "qcow2", null, Progress.NONE);
                assertThrows(IllegalArgumentException.class, () -> writer.writeDisk(first,
                        ByteArrayBlockSource.of(vda), "qcow2", null, Progress.NONE), "a place is written once");
                point = writer.commit("CRASH", null, List.of(), null);
            }
            PointManifest read = vault.vault().point(point.id());
            assertEquals(List.of("vda", "vdb"), read.disks().stream().map(PointManifest.Disk::name).toList());
            assertTrue(read.disk("vda").index().endsWith("/disk-0.fidx"), read.disk("vda").index());
            assertArrayEquals(vda, vault.restore(read, "vda"));
            assertArrayEquals(vdb, vault.restore(read, "vdb"));
        }
    }

    @Test
    void aDiskNameUsedTwiceInOnePointIsRefused() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir);
             PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(new byte[10]), "raw", null, Progress.NONE);
            assertThrows(IllegalArgumentException.class,
                    () -> writer.writeDisk("vda", ByteArrayBlockSource.of(new byte[10]), "raw", null, Progress.NONE));
        }
    }

    @Test
    void aPointWithoutDisksCannotBeCommitted() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir);
             PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
            assertThrows(IllegalStateException.class, () -> writer.commit("CRASH", null, null, null));
        }
    }

    @Test
    void aPointNeedsAName() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            assertThrows(IllegalArgumentException.class, () -> PointWriter.begin(vault.vault(), " "));
            assertEquals(List.of(), vault.objects("locks/"));
        }
    }

    @Test
    void pointsListOldestFirstAndResolveByIdPrefixOrName() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest web1 = vault.backup("web", new byte[]{1});
            PointManifest db = vault.backup("db", new byte[]{2});
            PointManifest web2 = vault.backup("web", new byte[]{3});
            assertEquals(List.of(web1.id(), db.id(), web2.id()), vault.vault().points().stream().map(PointManifest::id).toList());
            assertEquals(web2.id(), vault.vault().resolve("web").id(), "a name means its newest point");
            assertEquals(db.id(), vault.vault().resolve(db.id()).id());
            assertEquals(db.id(), vault.vault().resolve(db.id().substring(0, 20)).id(), "a unique prefix");
            assertEquals(web2.id(), vault.vault().latest("web").id());
            assertEquals(null, vault.vault().latest("mail"));
            assertThrows(PointNotFoundException.class, () -> vault.vault().resolve("mail"));
            assertThrows(PointNotFoundException.class, () -> vault.vault().resolve("2026"), "ambiguous prefix");
            assertThrows(PointNotFoundException.class, () -> vault.vault().point("20260101-000000-00000000"));
            assertThrows(PointNotFoundException.class, () -> vault.vault().point("../config"));
        }
    }

    @Test
    void newestFindsTheSamePointAsTheLastMatchOfAllPointsIncludingPointsOfOneSecond() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            java.time.Instant second = java.time.Instant.parse("2026-03-01T10:00:00Z");
            String[] names = {"web", "db", "web", "mail", "db", "web", "db"};
            for (int i = 0; i < names.length; i++) {
                // points 2-4 share one second (ids then differ only in their random part)
                java.time.Instant at = i >= 2 && i <= 4 ? second.plusMillis(10L * i) : second.plusSeconds(i);
                try (PointWriter writer = PointWriter.begin(vault.vault(), names[i], at, 2)) {
                    writer.writeDisk("vda", ByteArrayBlockSource.of(new byte[] {(byte) i}), "raw", null, Progress.NONE);
                    writer.commit("CRASH", null, List.of(), Json.MAPPER.createObjectNode().put("n", Integer.toString(i)));
                }
            }
            List<PointManifest> all = vault.vault().points();
            for (String name : List.of("web", "db", "mail")) {
                List<PointManifest> ofName = all.stream().filter(p -> p.name().equals(name)).toList();
                assertEquals(ofName.getLast(), vault.vault().newest(p -> p.name().equals(name)), name);
            }
            // within the shared second, createdAt decides, not the random part of the id
            assertEquals("4", vault.vault().newest(p -> Set.of("2", "3", "4").contains(p.facts().path("n").asText()))
                    .facts().path("n").asText());
            assertEquals(null, vault.vault().newest(p -> false));
        }
    }

    @Test
    void deletingAPointRemovesItsManifestAndIndexesButNotItsChunks() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = vault.backup("vm", TestData.random(21, 2 * CHUNK));
            vault.vault().deletePoint(point.id());
            assertEquals(List.of(), vault.vault().points());
            assertEquals(List.of(), vault.objects(Vault.POINTS));
            assertEquals(2, vault.chunkObjects().size());
            assertThrows(PointNotFoundException.class, () -> vault.vault().deletePoint(point.id()));
        }
    }

    /** A source whose reads fail from {@code failAt} on, like a disk with a bad sector. */
    private record FailingSource(ByteArrayBlockSource delegate, long failAt) implements BlockSource {
        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public List<Extent> dataExtents(long offset, long length) throws IOException {
            return delegate.dataExtents(offset, length);
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            if (offset + dst.remaining() > failAt) {
                throw new IOException("disk unreadable at " + offset);
            }
            delegate.read(offset, dst);
        }

        @Override
        public String describe() {
            return "failing " + delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void theWriterDoesNotCloseItsSource() throws IOException {
        ByteArrayBlockSource source = ByteArrayBlockSource.of(TestData.random(22, 100));
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            vault.backup("vm", source, null);
        }
        assertFalse(source.closed(), "the caller owns the source");
    }
}

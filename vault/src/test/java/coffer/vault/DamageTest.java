package coffer.vault;

import coffer.testing.DiskImage;
import coffer.testing.TestData;
import coffer.testing.TestSeed;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.Backend;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged vault objects: {@link Verifier} reports them by point, disk and byte range, and a restore fails
 * naming the same instead of writing wrong data. Damage is made through the backend contract (a put
 * replaces an object), so it works the same on every backend.
 */
class DamageTest {
    private static final int SIZE = 4 * CHUNK + 3000;

    @TempDir
    Path dir;

    private byte[] disk1;
    private byte[] disk2;

    @BeforeEach
    void disks() {
        disk1 = new DiskImage(SIZE, 41).text(0, SIZE).random(CHUNK, 5000).bytes();
        disk2 = DiskImage.from(disk1, 42).random(3L * CHUNK + 10, 100).bytes();
    }

    /** Two points sharing chunks 0, 1, 2 and 4; chunk 3 differs. */
    private record TwoPoints(TestVault vault, PointManifest first, PointManifest second) implements AutoCloseable {
        String chunkOf(PointManifest point, int i) throws IOException {
            return vault.index(point, "vda").get(i).objectName();
        }

        @Override
        public void close() throws IOException {
            vault.close();
        }
    }

    private TwoPoints twoPoints(VaultFlavour flavour) throws IOException {
        TestVault vault = flavour.create(dir);
        return new TwoPoints(vault, vault.backup("vm", disk1), vault.backup("vm", disk2));
    }

    static void flipBit(Backend backend, String name, long seed) throws IOException {
        byte[] stored = bytes(backend, name);
        Random random = new Random(seed);
        int bit = 8 * (24 + random.nextInt(stored.length - 24)) + random.nextInt(8);
        backend.put(name, ByteBuffer.wrap(TestData.flipBit(stored, bit)));
    }

    static byte[] bytes(Backend backend, String name) throws IOException {
        ByteBuffer buffer = backend.get(name);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static VerifyReport verify(TestVault vault) throws IOException {
        return new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE);
    }

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void anUndamagedVaultVerifiesClean(VaultFlavour flavour) throws IOException {
        try (TwoPoints v = twoPoints(flavour)) {
            VerifyReport report = verify(v.vault());
            assertTrue(report.clean(), report.damage().toString());
            assertEquals(2, report.points());
            assertEquals(6, report.chunksChecked(), "five chunks of the first point, one changed in the second");
            assertEquals(SIZE + CHUNK, report.bytesChecked());
        }
    }

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void aFlippedBitInASharedChunkIsReportedForEveryPointUsingIt(VaultFlavour flavour) throws IOException {
        long seed = TestSeed.of("DamageTest shared chunk " + flavour);
        try (TwoPoints v = twoPoints(flavour)) {
            String chunk = v.chunkOf(v.first(), 2);
            flipBit(v.vault().backend(), chunk, seed);

            VerifyReport report = verify(v.vault());
            assertEquals(List.of(
                            new Damage(v.first().id(), "vda", 2L * CHUNK, CHUNK, chunk, report.damage().get(0).problem()),
                            new Damage(v.second().id(), "vda", 2L * CHUNK, CHUNK, chunk, report.damage().get(0).problem())),
                    report.damage(), "seed " + seed);
            assertTrue(report.damage().get(0).problem().contains(chunk), report.damage().get(0).problem());
        }
    }

    /** The second point as an incremental with changed extents: chunk 3 becomes a patch over the first's chunk 3. */
    private TwoPoints pointAndPatch(VaultFlavour flavour) throws IOException {
        TestVault vault = flavour.create(dir);
        PointManifest first = vault.backup("vm", disk1);
        PointManifest second = vault.backup("vm", coffer.testing.ByteArrayBlockSource.of(disk2),
                new coffer.vault.write.DiskBase(first.id(), vault.index(first, "vda"),
                        List.of(new coffer.vault.io.Extent(3L * CHUNK + 10, 100))));
        assertEquals(1, vault.index(second, "vda").patchCount());
        return new TwoPoints(vault, first, second);
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aDamagedPatchOrPatchBaseIsReportedForThePointsUsingIt(VaultFlavour flavour) throws IOException {
        long seed = TestSeed.of("DamageTest patch " + flavour);
        try (TwoPoints v = pointAndPatch(flavour)) {
            VerifyReport clean = verify(v.vault());
            assertTrue(clean.clean(), clean.damage().toString());
            assertEquals(6, clean.chunksChecked(), "five chunks and one patch");
            assertEquals(SIZE + 100, clean.bytesChecked());
            assertArrayEquals(disk2, v.vault().restore(v.second(), "vda"));

            String patch = v.chunkOf(v.second(), 3);
            byte[] intact = bytes(v.vault().backend(), patch);
            flipBit(v.vault().backend(), patch, seed);
            VerifyReport report = verify(v.vault());
            assertEquals(List.of(new Damage(v.second().id(), "vda", 3L * CHUNK, CHUNK, patch, report.damage().getFirst().problem())),
                    report.damage(), "seed " + seed);
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.second(), "vda"));
            assertEquals(patch, e.object());
            assertEquals("point " + v.second().id() + " disk vda bytes " + 3L * CHUNK + "-" + (4L * CHUNK - 1), e.where());
            v.vault().backend().put(patch, ByteBuffer.wrap(intact));

            String base = v.chunkOf(v.first(), 3);
            flipBit(v.vault().backend(), base, seed);
            report = verify(v.vault());
            assertEquals(List.of(
                            new Damage(v.first().id(), "vda", 3L * CHUNK, CHUNK, base, report.damage().getFirst().problem()),
                            new Damage(v.second().id(), "vda", 3L * CHUNK, CHUNK, base, report.damage().getFirst().problem())),
                    report.damage(), "the base chunk is damage to the patched point too; seed " + seed);
            e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.second(), "vda"));
            assertEquals(base, e.object());
        }
    }

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void aFlippedBitInAChunkFailsRestoreNamingPointDiskAndByteRange(VaultFlavour flavour) throws IOException {
        long seed = TestSeed.of("DamageTest restore " + flavour);
        try (TwoPoints v = twoPoints(flavour)) {
            String chunk = v.chunkOf(v.second(), 3);
            flipBit(v.vault().backend(), chunk, seed);

            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.second(), "vda"),
                    "seed " + seed);
            assertEquals(chunk, e.object());
            String range = "bytes " + 3L * CHUNK + "-" + (4L * CHUNK - 1);
            assertEquals("point " + v.second().id() + " disk vda " + range, e.where());
            assertTrue(e.getMessage().contains(v.second().id()) && e.getMessage().contains("disk vda")
                    && e.getMessage().contains(range) && e.getMessage().contains(chunk), e.getMessage());
            assertTrue(e.check().contains(flavour.encrypted() ? "authentication" : "CRC"), e.getMessage());

            assertArrayEquals(disk1, v.vault().restore(v.first(), "vda"), "the other point does not use that chunk");
            VerifyReport report = verify(v.vault());
            assertEquals(1, report.damage().size(), report.damage().toString());
            Damage damage = report.damage().getFirst();
            assertEquals(v.second().id(), damage.pointId());
            assertEquals("vda", damage.disk());
            assertEquals(3L * CHUNK, damage.offset());
            assertEquals(CHUNK, damage.length());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void aTruncatedIndexIsCorrupt(VaultFlavour flavour) throws IOException {
        try (TwoPoints v = twoPoints(flavour)) {
            String index = v.second().disk("vda").index();
            byte[] stored = bytes(v.vault().backend(), index);
            v.vault().backend().put(index, ByteBuffer.wrap(Arrays.copyOf(stored, stored.length - 40)));

            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.second(), "vda"));
            assertEquals(index, e.object());
            assertArrayEquals(disk1, v.vault().restore(v.first(), "vda"));
            VerifyReport report = verify(v.vault());
            assertEquals(List.of(new Damage(v.second().id(), "vda", 0, SIZE, index, report.damage().getFirst().problem())),
                    report.damage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void aMissingChunkFailsRestoreNamingTheRange(VaultFlavour flavour) throws IOException {
        try (TwoPoints v = twoPoints(flavour)) {
            String chunk = v.chunkOf(v.first(), 4);
            v.vault().backend().delete(chunk);
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.first(), "vda"));
            assertTrue(e.check().contains("missing"), e.getMessage());
            assertTrue(e.getMessage().contains("bytes " + 4L * CHUNK + "-" + (SIZE - 1)), e.getMessage());
            VerifyReport report = verify(v.vault());
            String problem = report.damage().getFirst().problem();
            assertTrue(problem.contains("missing") && problem.contains(chunk), problem);
            assertEquals(List.of(
                    new Damage(v.first().id(), "vda", 4L * CHUNK, SIZE - 4L * CHUNK, chunk, problem),
                    new Damage(v.second().id(), "vda", 4L * CHUNK, SIZE - 4L * CHUNK, chunk, problem)),
                    report.damage(), "the last, short chunk of both points, which share it");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void aChunkReplacedByAnotherChunksObjectIsDetected(VaultFlavour flavour) throws IOException {
        try (TwoPoints v = twoPoints(flavour)) {
            String victim = v.chunkOf(v.first(), 0);
            String other = v.chunkOf(v.first(), 1);
            v.vault().backend().put(victim, v.vault().backend().get(other));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.first(), "vda"));
            assertTrue(e.check().contains(flavour.encrypted() ? "authentication" : "digest"), e.getMessage());
            assertEquals(victim, e.object());
            VerifyReport report = verify(v.vault());
            String problem = report.damage().getFirst().problem();
            assertEquals(List.of(
                    new Damage(v.first().id(), "vda", 0, CHUNK, victim, problem),
                    new Damage(v.second().id(), "vda", 0, CHUNK, victim, problem)),
                    report.damage(), "chunk 0 of both points, which share it; chunk 1 (whose object was copied) is whole");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void anIndexReplacedByAnotherPointsIndexIsRefused(VaultFlavour flavour) throws IOException {
        try (TwoPoints v = twoPoints(flavour)) {
            String index = v.first().disk("vda").index();
            v.vault().backend().put(index, v.vault().backend().get(v.second().disk("vda").index()));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.first(), "vda"));
            assertEquals(index, e.object());
            VerifyReport report = verify(v.vault());
            String problem = report.damage().getFirst().problem();
            assertTrue(problem.contains(flavour.encrypted() ? "authentication" : "checksum"), problem);
            assertEquals(List.of(new Damage(v.first().id(), "vda", 0, SIZE, index, problem)), report.damage(),
                    "the whole disk of the first point; the second point's own index is intact");
        }
    }

    @Test
    void aMissingIndexIsCorrupt() throws IOException {
        try (TwoPoints v = twoPoints(VaultFlavour.MEMORY)) {
            v.vault().backend().delete(v.first().disk("vda").index());
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.first(), "vda"));
            assertTrue(e.check().contains("missing") && e.check().contains(v.first().id()), e.getMessage());
            VerifyReport report = verify(v.vault());
            String problem = report.damage().getFirst().problem();
            assertTrue(problem.contains("missing"), problem);
            assertEquals(List.of(new Damage(v.first().id(), "vda", 0, SIZE, v.first().disk("vda").index(), problem)),
                    report.damage());
        }
    }
}

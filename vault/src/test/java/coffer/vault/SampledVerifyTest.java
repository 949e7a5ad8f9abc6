package coffer.vault;

import coffer.testing.DiskImage;
import coffer.testing.TestSeed;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.ChunkSample;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyPlan;
import coffer.vault.maintenance.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sampled verify reads one slice of a rotation: consecutive slices are disjoint and together read every
 * object a full verify reads, so damage is found within one rotation; interrupting a verify cancels it.
 */
class SampledVerifyTest {
    private static final int SIZE = 24 * CHUNK;

    @TempDir
    Path dir;

    private static TestVault vaultWithThreePoints(Path dir, long seed) throws IOException {
        TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir);
        byte[] first = new DiskImage(SIZE, seed).random(0, SIZE).bytes();
        vault.backup("vm", first);
        vault.backup("vm", DiskImage.from(first, seed + 1).random(3L * CHUNK, 2 * CHUNK).bytes());
        vault.backup("other", new DiskImage(SIZE / 2, seed + 2).random(0, SIZE / 2).bytes());
        return vault;
    }

    @Test
    void consecutiveSlicesAreDisjointAndTogetherReadWhatAFullVerifyReads() throws IOException {
        long seed = TestSeed.of("SampledVerifyTest rotation");
        try (TestVault vault = vaultWithThreePoints(dir, seed)) {
            Verifier verifier = new Verifier(vault.vault(), 2);
            List<PointManifest> points = vault.vault().points();
            VerifyReport full = verifier.verify(points, Progress.NONE);
            assertTrue(full.clean());
            int slices = 5;
            long checked = 0;
            long bytes = 0;
            Set<ChunkId> seen = new HashSet<>();
            for (long run = 7; run < 7 + slices; run++) { // any start: a rotation is any `slices` consecutive runs
                VerifyPlan plan = verifier.plan(points, ChunkSample.ofRun(run, slices));
                for (ChunkId id : plan.selected().keySet()) {
                    assertTrue(seen.add(id), "object " + id + " read twice in one rotation (seed " + seed + ")");
                }
                VerifyReport report = verifier.check(plan, Progress.NONE);
                assertTrue(report.clean());
                assertEquals(plan.selectedObjects(), report.chunksChecked());
                assertTrue(report.chunksChecked() < full.chunksChecked(), "a slice reads less than everything");
                checked += report.chunksChecked();
                bytes += report.bytesChecked();
            }
            assertEquals(full.chunksChecked(), checked, "seed " + seed);
            assertEquals(full.bytesChecked(), bytes, "seed " + seed);
        }
    }

    @Test
    void damageIsFoundByTheSliceHoldingTheChunkAndByNoOther() throws IOException {
        long seed = TestSeed.of("SampledVerifyTest damage");
        try (TestVault vault = vaultWithThreePoints(dir, seed)) {
            List<PointManifest> points = vault.vault().points();
            ChunkId victim = vault.index(points.getFirst(), "vda").get(10);
            DamageTest.flipBit(vault.backend(), victim.objectName(), seed);
            Verifier verifier = new Verifier(vault.vault(), 2);
            int slices = 3;
            List<Integer> finding = new ArrayList<>();
            for (int slice = 0; slice < slices; slice++) {
                ChunkSample sample = new ChunkSample(slice, slices);
                VerifyReport report = verifier.check(verifier.plan(points, sample), Progress.NONE);
                assertEquals(sample.contains(victim), !report.clean(), sample + ", seed " + seed);
                if (!report.clean()) {
                    finding.add(slice);
                    assertEquals(Set.of(victim.objectName()), Set.copyOf(report.damage().stream().map(Damage::object).toList()));
                    assertEquals(List.of(points.get(0).id(), points.get(1).id()), report.pointsAffected(),
                            "the chunk is shared by both points of vm");
                }
            }
            assertEquals(1, finding.size(), "exactly one slice holds the chunk");
        }
    }

    @Test
    void aSliceIsFixedByTheRunNumberAndTheRotationLength() {
        ChunkId id = ChunkId.ofHex("ff00000000000007" + "0".repeat(48));
        // the first 64 bits, unsigned: 0xff00000000000007 mod 10 = 18374686479671623687 mod 10 = 7
        assertTrue(new ChunkSample(7, 10).contains(id));
        assertFalse(new ChunkSample(6, 10).contains(id));
        assertEquals(new ChunkSample(2, 10), ChunkSample.ofRun(32, 10));
        assertTrue(ChunkSample.all().contains(id));
        assertThrows(IllegalArgumentException.class, () -> new ChunkSample(10, 10));
        assertThrows(IllegalArgumentException.class, () -> ChunkSample.ofRun(-1, 10));
    }

    @Test
    void interruptingAVerifyCancelsIt() throws Exception {
        try (TestVault vault = vaultWithThreePoints(dir, 5)) {
            Verifier verifier = new Verifier(vault.vault(), 1);
            VerifyPlan plan = verifier.plan(vault.vault().points(), ChunkSample.all());
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    verifier.check(plan, bytes -> Thread.currentThread().interrupt()); // cancelled after its first chunk
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            runner.join();
            assertInstanceOf(InterruptedIOException.class, outcome.get());
        }
    }
}

package coffer.engine.verify;

import coffer.engine.CountedProgress;
import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.OneVault;
import coffer.testing.DiskImage;
import coffer.testing.HookedBackend;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.Quarantine;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VaultVerification} on a real catalog (SQLite) and an in-memory vault: sampled runs walk the rotation and
 * together read what a full run reads; damage is found, quarantined and healed by the next backup; a backup runs to
 * its end while a verify is in the middle of reading; quarantine waits for no backup longer than asked; damage of a
 * point deleted during the run is not reported; a cancelled run records nothing.
 */
class VaultVerificationTest {
    private static final int SIZE = 16 * CHUNK;

    @TempDir Path dir;
    TestDatabase database;
    Catalog catalog;
    MemoryBackend backend;
    TestVault vault;
    byte[] diskA;
    byte[] diskB;

    @BeforeEach
    void open() throws IOException {
        database = TestDatabase.sqlite(dir);
        catalog = Catalog.open(database.config());
        backend = new MemoryBackend();
        vault = TestVault.create(backend, null);
        diskA = new DiskImage(SIZE, 71).random(0, SIZE).bytes();
        diskB = DiskImage.from(diskA, 72).random(5L * CHUNK, 3 * CHUNK).bytes();
    }

    @AfterEach
    void close() throws Exception {
        vault.close();
        catalog.close();
        database.close();
    }

    /** Verifications of the vault seen through {@code backend} (the test's, or a hooked one on the same objects). */
    private VaultVerification verification(Vault seen, VerifySettings settings) {
        return new VaultVerification(catalog, new OneVault(seen), settings, Clock.systemUTC(), 1);
    }

    private VaultVerification verification() {
        return verification(vault.vault(), VerifySettings.DEFAULTS);
    }

    private static VaultVerification.Request request(VerifyRun.Kind kind, boolean quarantine) {
        return new VaultVerification.Request(null, kind, quarantine, Duration.ZERO, "job-1");
    }

    @Test
    void sampledRunsWalkTheRotationAndTogetherReadWhatAFullRunReads() throws IOException {
        vault.backup("vm", diskA);
        vault.backup("vm", diskB);
        VerifySettings fourSlices = new VerifySettings(Duration.ofDays(7), Duration.ofDays(1), Duration.ofDays(4));
        VaultVerification verification = verification(vault.vault(), fourSlices);
        VaultVerification.Result full = verification.run(request(VerifyRun.Kind.FULL, false), JobProgress.NONE);
        assertEquals(SIZE / CHUNK + 3, full.run().chunksChecked());
        long checked = 0;
        for (int slice = 0; slice < 4; slice++) {
            CountedProgress progress = new CountedProgress();
            VaultVerification.Result sampled = verification.run(request(VerifyRun.Kind.SAMPLED, false), progress);
            assertEquals(slice, sampled.run().slice());
            assertEquals(4, sampled.run().slices());
            assertEquals(progress.total(), progress.done(), "progress reaches the total it announced");
            assertEquals(sampled.run().bytesChecked(), progress.done());
            assertTrue(sampled.run().clean());
            checked += sampled.run().chunksChecked();
        }
        assertEquals(full.run().chunksChecked(), checked);
        assertEquals(0, verification.run(request(VerifyRun.Kind.SAMPLED, false), JobProgress.NONE).run().slice(),
                "the fifth run starts the rotation again");
        assertEquals(6, catalog.verifyRuns().recent("main", 10).size());
    }

    @Test
    void damageIsReportedByPointQuarantinedAndHealedByTheNextBackup() throws IOException {
        PointManifest first = vault.backup("vm", diskA);
        PointManifest second = vault.backup("vm", diskB);
        String victim = vault.index(first, "vda").get(2).objectName(); // shared by both points
        flip(victim);

        VaultVerification.Result result = verification().run(request(VerifyRun.Kind.FULL, true), JobProgress.NONE);
        assertEquals(List.of(first.id(), second.id()), result.run().pointsAffected());
        assertEquals(2, result.run().damagedRanges());
        assertEquals(Set.of(victim), Set.copyOf(result.damage().stream().map(Damage::object).toList()));
        assertEquals(1, result.run().quarantined());
        assertNull(result.run().quarantineNote());
        assertTrue(backend.exists(Quarantine.PREFIX + victim), "the damaged bytes are kept as evidence");
        assertEquals(result.run(), catalog.verifyRuns().latest("main", VerifyRun.Kind.FULL).orElseThrow());

        PointManifest healing = vault.backup("vm", diskB); // stores the quarantined chunk again
        VaultVerification.Result after = verification().run(request(VerifyRun.Kind.FULL, true), JobProgress.NONE);
        assertTrue(after.run().clean(), after.damage().toString());
        assertArrayEquals(diskA, vault.restore(first, "vda"), "the first point is whole again");
        assertArrayEquals(diskB, vault.restore(healing, "vda"));
    }

    @Test
    void aPointWhoseManifestIsDamagedOrLostIsReportedAndTheOthersAreVerified() throws IOException {
        PointManifest damaged = vault.backup("vm", diskA);
        PointManifest lost = vault.backup("db", diskB);
        PointManifest whole = vault.backup("web", diskA);
        String manifest = Vault.manifestName(damaged.id());
        ByteBuffer stored = backend.get(manifest);
        backend.put(manifest, stored.limit(stored.limit() / 2));
        backend.delete(Vault.manifestName(lost.id()));

        VaultVerification.Result result = verification().run(request(VerifyRun.Kind.FULL, false), JobProgress.NONE);
        assertFalse(result.run().clean());
        assertEquals(List.of(damaged.id(), lost.id()).stream().sorted().toList(), result.run().pointsAffected());
        assertEquals(2, result.run().damagedRanges(), "each point damaged as a whole counts once");
        assertEquals(1, result.run().points(), "the other point is verified as usual");
        assertArrayEquals(diskA, vault.restore(whole, "vda"));
    }

    @Test
    void aBackupRunsToItsEndWhileAVerifyIsReading() throws Exception {
        vault.backup("vm", diskA);
        byte[] other = new DiskImage(SIZE, 73).random(0, SIZE).bytes();
        AtomicReference<PointManifest> during = new AtomicReference<>();
        // after the verify's first chunk read, on its worker thread: a whole backup on another thread, awaited
        HookedBackend hooked = HookedBackend.afterFirstGet(backend, Vault.CHUNKS, () -> {
            try {
                during.set(CompletableFuture.supplyAsync(() -> {
                    try {
                        return vault.backup("db", other);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IOException("the backup did not finish while the verify was reading: " + e, e);
            }
        });
        try (Vault seen = Vault.open(hooked, null)) {
            VaultVerification.Result result = verification(seen, VerifySettings.DEFAULTS)
                    .run(request(VerifyRun.Kind.FULL, true), JobProgress.NONE);
            assertTrue(hooked.ran());
            assertTrue(result.run().clean());
            assertEquals(1, result.run().points(), "the verify read the points that existed when it began");
        }
        assertNotNull(during.get());
        assertArrayEquals(other, vault.restore(during.get(), "vda"));
    }

    @Test
    void quarantineWaitsForARunningBackupNoLongerThanAskedAndSaysWhy() throws IOException {
        PointManifest first = vault.backup("vm", diskA);
        String victim = vault.index(first, "vda").get(7).objectName();
        flip(victim);
        try (PointWriter running = PointWriter.begin(vault.vault(), "db", vault.nextCreationTime(), 1)) {
            VaultVerification.Result result = verification().run(request(VerifyRun.Kind.FULL, true), JobProgress.NONE);
            assertEquals(1, result.run().damagedRanges());
            assertEquals(0, result.run().quarantined());
            assertTrue(result.run().quarantineNote().contains("backup of db"), result.run().quarantineNote());
            assertTrue(backend.exists(victim), "not moved");
        }
        VaultVerification.Result later = verification().run(request(VerifyRun.Kind.FULL, true), JobProgress.NONE);
        assertEquals(1, later.run().quarantined(), "the next run moves it");
    }

    @Test
    void damageOfAPointDeletedDuringTheRunIsNotReported() throws IOException {
        vault.backup("vm", diskA);
        PointManifest doomed = vault.backup("other", new DiskImage(4 * CHUNK, 74).random(0, 4 * CHUNK).bytes());
        List<String> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chunks.add(vault.index(doomed, "vda").get(i).objectName());
        }
        String lastChunk = chunks.getLast();
        // after the first chunk read: the point is deleted and (as gc would) its chunks swept, before they are read
        HookedBackend hooked = HookedBackend.afterFirstGet(backend, Vault.CHUNKS, () -> {
            vault.vault().deletePoint(doomed.id());
            for (String chunk : chunks) {
                backend.delete(chunk);
            }
        });
        try (Vault seen = Vault.open(hooked, null)) {
            VaultVerification.Result result = verification(seen, VerifySettings.DEFAULTS)
                    .run(request(VerifyRun.Kind.FULL, false), JobProgress.NONE);
            assertTrue(hooked.ran());
            assertFalse(backend.exists(lastChunk));
            assertTrue(result.run().clean(), result.damage().toString());
            assertEquals(2, result.run().points());
        }
    }

    @Test
    void aCancelledRunRecordsNothingAndTheRotationDoesNotAdvance() throws Exception {
        vault.backup("vm", diskA);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                verification().run(request(VerifyRun.Kind.FULL, true), new JobProgress() {
                    @Override
                    public void starting(long totalBytes) {
                        Thread.currentThread().interrupt(); // cancelled once the indexes are read
                    }

                    @Override
                    public void advance(long bytes) {
                    }
                });
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        runner.join();
        CofferException e = (CofferException) outcome.get();
        assertEquals(ErrorCode.Cancelled, e.code());
        assertTrue(catalog.verifyRuns().recent("main", 10).isEmpty());
        assertEquals(0, verification().run(request(VerifyRun.Kind.SAMPLED, false), JobProgress.NONE).run().slice());
    }

    private void flip(String name) throws IOException {
        ByteBuffer stored = backend.get(name);
        byte[] bytes = new byte[stored.remaining()];
        stored.get(bytes);
        backend.put(name, ByteBuffer.wrap(TestData.flipBit(bytes, 8 * (bytes.length - 5))));
    }

}

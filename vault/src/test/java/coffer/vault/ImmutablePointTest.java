package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Immutability as a property of the vault (docs/format/hold.md): a point committed immutable cannot be deleted
 * through the vault before its time, whoever asks; a hold only ever extends it; gc keeps a held point whole even when
 * its manifest was removed behind the vault's back.
 */
class ImmutablePointTest {
    private static final int CHUNK = TestVault.CHUNK;
    private final byte[] disk = TestData.random(11, 5 * CHUNK + 99);

    @TempDir
    Path dir;

    private PointManifest immutablePoint(TestVault vault, Instant until) throws IOException {
        try (PointWriter writer = PointWriter.begin(vault.vault(), "vm", vault.nextCreationTime(), 2)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", null, Progress.NONE);
            writer.immutableUntil(until);
            return writer.commit("CRASH", null, List.of(), null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void anImmutablePointIsRefusedDeletionUntilItsTimeAndNeverShortened(VaultFlavour flavour) throws IOException {
        try (TestVault vault = flavour.create(dir)) {
            Instant until = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            PointManifest point = immutablePoint(vault, until);
            PointManifest ordinary = vault.backup("vm", disk);
            assertEquals(PointManifest.VERSION, point.version());
            assertEquals(until, point.immutableUntil(), "its manifest records it (since version 2)");
            assertEquals(null, ordinary.immutableUntil(), "others are not immutable");
            assertEquals(until, vault.vault().immutableUntil(vault.vault().point(point.id())));
            assertTrue(vault.backend().exists(Vault.holdName(point.id())));

            PointImmutableException e = assertThrows(PointImmutableException.class, () -> vault.vault().deletePoint(point.id()));
            assertEquals(until, e.until());
            assertTrue(e.getMessage().contains(point.id()) && e.getMessage().contains(until.toString()), e.getMessage());
            assertArrayEquals(disk, vault.restore(vault.vault().point(point.id()), "vda"), "nothing was removed");

            assertEquals(until, vault.vault().holdUntil(point.id(), until.minus(Duration.ofDays(1))), "never shortened");
            Instant later = until.plus(Duration.ofDays(365));
            assertEquals(later, vault.vault().holdUntil(point.id(), later));
            assertEquals(later, assertThrows(PointImmutableException.class, () -> vault.vault().deletePoint(point.id())).until());

            // a hold written shorter behind the vault's back does not go below the manifest's own time
            vault.vault().writeHold(point.id(), Instant.parse("2020-01-01T00:00:00Z"));
            assertEquals(until, vault.vault().immutableUntil(vault.vault().point(point.id())));

            vault.vault().deletePoint(ordinary.id());
            assertNull(vault.vault().immutableUntil(ordinary));
        }
    }

    /**
     * A commit killed after its manifest and before its hold (the state it leaves: a manifest that holds the point, no
     * hold object): the vault refuses already, and the next hold of the same time, what the server writes right after
     * a plan's run (docs/format/hold.md), writes the missing hold rather than finding the point "held long enough".
     */
    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void aHoldMissingAfterACommitKilledBeforeItIsWrittenByTheNextHold(VaultFlavour flavour) throws IOException {
        try (TestVault vault = flavour.create(dir)) {
            Instant until = Instant.now().plus(Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            PointManifest point = immutablePoint(vault, until);
            vault.backend().delete(Vault.holdName(point.id())); // as if killed between the manifest and the hold
            assertNull(vault.vault().readHold(point.id()));
            assertEquals(until, assertThrows(PointImmutableException.class, () -> vault.vault().deletePoint(point.id()))
                    .until(), "the manifest alone holds it");

            assertEquals(until, vault.vault().holdUntil(point.id(), until.minus(Duration.ofDays(1))));
            assertEquals(until, vault.vault().readHold(point.id()), "the hold is written, at the manifest's time");
            assertArrayEquals(disk, vault.restore(vault.vault().point(point.id()), "vda"));
        }
    }

    @Test
    void aPointWhoseTimeHasPassedIsDeletedWithItsHold() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointManifest point = immutablePoint(vault, Instant.now().minusSeconds(1));
            vault.vault().deletePoint(point.id());
            assertEquals(List.of(), vault.objects(Vault.POINTS), "manifest, index and hold are gone");
        }
    }

    @Test
    void aDamagedHoldCountsAsForEver() throws IOException {
        try (TestVault vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir)) {
            PointManifest point = immutablePoint(vault, Instant.now().minusSeconds(1));
            String hold = Vault.holdName(point.id());
            ByteBuffer stored = vault.backend().get(hold);
            stored.put(stored.limit() - 1, (byte) (stored.get(stored.limit() - 1) ^ 1));
            vault.backend().put(hold, stored);
            assertEquals(Vault.FOREVER, vault.vault().immutableUntil(point));
            assertThrows(PointImmutableException.class, () -> vault.vault().deletePoint(point.id()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "S3_ENCRYPTED"})
    void gcKeepsAHeldPointWholeWhenItsManifestIsRemovedBehindTheVaultsBack(VaultFlavour flavour) throws IOException {
        try (TestVault vault = flavour.create(dir)) {
            PointManifest point = immutablePoint(vault, Instant.now().plus(Duration.ofDays(1)));
            int chunks = vault.chunkObjects().size();
            vault.backend().delete(Vault.manifestName(point.id())); // not through the vault: it would refuse

            GcReport report = new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ofSeconds(30));
            assertEquals(1, report.heldWithoutManifest());
            assertEquals(0, report.sweptChunks());
            assertEquals(0, report.orphanObjects());
            assertEquals(chunks, vault.chunkObjects().size());
            assertTrue(vault.backend().exists(point.disk("vda").index()), "the index a restore from backup would need");

            vault.vault().writeHold(point.id(), Instant.now().minusSeconds(1)); // the hold has run out
            report = new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ofSeconds(30));
            assertEquals(0, report.heldWithoutManifest());
            assertEquals(1, report.damagedPoints(), "still a lost point (its manifest is gone): kept until deleted on purpose");
            assertEquals(0, report.sweptChunks());
            vault.vault().deletePoint(point.id()); // allowed now: the hold has run out
            report = new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ofSeconds(30));
            assertEquals(chunks, report.sweptChunks());
            assertEquals(List.of(), vault.objects(Vault.POINTS));
        }
    }

    /** s3proxy has no Object Lock: the vault's own refusal stands alone, and says so by returning false. */
    @Test
    void onAStoreWithoutObjectLockTheVaultAloneEnforcesImmutability() throws IOException {
        try (TestVault vault = VaultFlavour.S3.create(dir)) {
            S3Backend s3 = (S3Backend) vault.backend();
            assertFalse(s3.objectLockEnabled());
            PointManifest point = immutablePoint(vault, Instant.now().plus(Duration.ofHours(1)));
            assertFalse(s3.retain(point.disk("vda").index(), Instant.now().plus(Duration.ofHours(1))));
            assertThrows(PointImmutableException.class, () -> vault.vault().deletePoint(point.id()));
        }
    }

    @Test
    void theHoldIsASealedObjectOfItsOwnKindBoundToItsName() throws IOException {
        try (TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir)) {
            PointManifest first = immutablePoint(vault, Instant.now().plus(Duration.ofDays(2)));
            PointManifest second = vault.backup("vm", disk);
            byte[] body = vault.vault().codec().open(ObjectKind.HOLD, Vault.holdName(first.id()),
                    vault.backend().get(Vault.holdName(first.id())));
            assertTrue(new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("\"format\":\"coffer-hold\""));
            // moved to another point's name it no longer opens (the name is bound into the AEAD): that reads as for ever
            vault.backend().put(Vault.holdName(second.id()), vault.backend().get(Vault.holdName(first.id())));
            assertEquals(Vault.FOREVER, vault.vault().immutableUntil(second));
        }
    }
}

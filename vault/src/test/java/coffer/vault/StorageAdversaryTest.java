package coffer.vault;

import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.Json;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Someone with write access to the vault's storage but not its key (docs/design/security.md): what they change,
 * swap, forge or remove is refused with an error naming the object, never read as other data, and never makes gc
 * delete what a point needs. Each of the checks added in session 21 fails here without it: a manifest under another
 * point's name or naming another point's index (unencrypted vaults: no AEAD binds the name), a lock or lease body
 * without a kind (a {@link NullPointerException} in gc), a marker the key does not open beside a lost point (gc swept
 * the point as unfinished), a config replaced by an unencrypted one (new points written in plain text).
 */
class StorageAdversaryTest {
    private static final int SIZE = 3 * CHUNK + 100;

    @TempDir
    Path dir;

    private final byte[] diskA = new DiskImage(SIZE, 2101).random(0, SIZE).bytes();
    private final byte[] diskC = new DiskImage(SIZE, 2102).random(0, SIZE).bytes();

    private record Two(TestVault vault, PointManifest a, PointManifest c) implements AutoCloseable {
        Backend backend() {
            return vault.backend();
        }

        @Override
        public void close() throws IOException {
            vault.close();
        }
    }

    private Two twoPoints(VaultFlavour flavour) throws IOException {
        TestVault vault = flavour.create(dir);
        return new Two(vault, vault.backup("a", diskA), vault.backup("c", diskC));
    }

    private static byte[] bytes(Backend backend, String name) throws IOException {
        return DamageTest.bytes(backend, name);
    }

    private static void copy(Backend backend, String from, String to) throws IOException {
        backend.put(to, ByteBuffer.wrap(bytes(backend, from)));
    }

    private static void putText(Backend backend, String name, String text) throws IOException {
        backend.put(name, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static GcReport gc(TestVault vault) throws IOException {
        return new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ZERO);
    }

    private static VerifyReport verify(TestVault vault) throws IOException {
        return new Verifier(vault.vault(), 2).verify(vault.vault().listPoints(), Progress.NONE);
    }

    // ---- swaps the key's AEAD refuses (encrypted vaults): read as damage naming the object, gc deletes nothing ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void objectsSwappedBetweenPointsAreRefusedNamingTheObject(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            Backend b = v.backend();
            String chunkA = v.vault().vault().readIndex(v.a(), v.a().disk("vda")).get(0).objectName();
            String chunkC = v.vault().vault().readIndex(v.c(), v.c().disk("vda")).get(0).objectName();
            byte[] ownChunk = bytes(b, chunkC);
            copy(b, chunkA, chunkC);
            CorruptDataException chunk = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.c(), "vda"));
            assertEquals(chunkC, chunk.object());
            assertEquals(List.of(chunkC), verify(v.vault()).damage().stream().map(d -> d.object()).toList());
            b.put(chunkC, ByteBuffer.wrap(ownChunk));

            String indexC = v.c().disk("vda").index();
            byte[] ownIndex = bytes(b, indexC);
            copy(b, v.a().disk("vda").index(), indexC);
            CorruptDataException index = assertThrows(CorruptDataException.class, () -> v.vault().restore(v.c(), "vda"));
            assertEquals(indexC, index.object());
            int chunks = b.list("chunks/").size();
            CorruptDataException stopped = assertThrows(CorruptDataException.class, () -> gc(v.vault()));
            assertEquals(indexC, stopped.object(), "an index that does not read stops gc before it deletes anything");
            assertEquals(chunks, b.list("chunks/").size());
            b.put(indexC, ByteBuffer.wrap(ownIndex));

            String manifestC = Vault.manifestName(v.c().id());
            copy(b, Vault.manifestName(v.a().id()), manifestC);
            PointListing listing = v.vault().vault().listPoints();
            assertEquals(List.of(v.a().id()), listing.points().stream().map(PointManifest::id).toList());
            assertEquals(List.of(manifestC), listing.unreadable().stream().map(PointListing.Unreadable::object).toList());
            gc(v.vault());
            assertEquals(chunks, b.list("chunks/").size(), "gc keeps what the damaged point's index names");
            assertArrayEquals(diskA, v.vault().restore(v.a(), "vda"));
            assertArrayEquals(diskC, v.vault().restore(v.c(), "vda"), "restored from the point's own objects");
        }
    }

    // ---- unencrypted vaults: a manifest's name and the indexes it names (session 21) ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL"})
    void aManifestCopiedUnderAnotherPointsIdIsThatPointDamagedNotADuplicate(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            String manifestC = Vault.manifestName(v.c().id());
            copy(v.backend(), Vault.manifestName(v.a().id()), manifestC);
            copy(v.backend(), v.a().disk("vda").index(), v.c().disk("vda").index());

            PointListing listing = v.vault().vault().listPoints();
            assertEquals(List.of(v.a().id()), listing.points().stream().map(PointManifest::id).toList(),
                    "point a once, not twice");
            assertEquals(1, listing.unreadable().size());
            assertEquals(v.c().id(), listing.unreadable().getFirst().pointId());
            assertTrue(listing.unreadable().getFirst().problem().contains("point " + v.a().id() + "'s, stored under another"),
                    listing.unreadable().getFirst().problem());
            CorruptDataException refused = assertThrows(CorruptDataException.class, () -> v.vault().vault().point(v.c().id()));
            assertEquals(manifestC, refused.object());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL"})
    void aManifestNamingAnotherPointsIndexIsRefusedNotRestoredAsThatPoint(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            String manifestC = Vault.manifestName(v.c().id());
            Vault vault = v.vault().vault();
            ObjectNode forged = (ObjectNode) Json.MAPPER.readTree(vault.codec().open(ObjectKind.MANIFEST, manifestC,
                    v.backend().get(manifestC)));
            ObjectNode disk = (ObjectNode) forged.get("disks").get(0);
            disk.put("index", v.a().disk("vda").index());
            disk.put("indexChecksum", v.a().disk("vda").indexChecksum());
            byte[] body = Json.MAPPER.writeValueAsBytes(forged);
            v.backend().put(manifestC, vault.codec().seal(ObjectKind.MANIFEST, manifestC, body, body.length, false));

            CorruptDataException refused = assertThrows(CorruptDataException.class,
                    () -> v.vault().restore(vault.point(v.c().id()), "vda"), "not point a's data as point c's");
            assertEquals(manifestC, refused.object());
            assertTrue(refused.check().contains("names index '" + v.a().disk("vda").index() + "'"), refused.check());
        }
    }

    // ---- lock and lease bodies that read as JSON but are not Coffer's (session 21) ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aLockWithoutKindIsAnUnreadableLockNotANullPointer(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            for (String lock : List.of("locks/exclusive-00000000-0000-4000-8000-000000002101",
                    "locks/shared-00000000-0000-4000-8000-000000002102")) {
                for (String body : List.of("{}", "null", "{\"host\":\"elsewhere\",\"pid\":1}")) {
                    putText(v.backend(), lock, body);
                    VaultBusyException busy = assertThrows(VaultBusyException.class, () -> gc(v.vault()), body);
                    assertTrue(busy.getMessage().contains("unreadable lock " + lock), busy.getMessage());
                    v.backend().delete(lock);
                }
            }
            assertEquals(2, gc(v.vault()).livePoints(), "without it gc runs");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void aLeaseWithoutKindRefusesTheDeleteNamingTheLease(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            String lease = "leases/" + v.a().id() + "/00000000-0000-4000-8000-000000002103";
            putText(v.backend(), lease, "{}");
            PointInUseException refused = assertThrows(PointInUseException.class, () -> v.vault().vault().deletePoint(v.a().id()));
            assertTrue(refused.getMessage().contains("unreadable lease " + lease), refused.getMessage());
            v.backend().delete(lease);
            v.vault().vault().deletePoint(v.a().id());
            assertEquals(List.of(v.c().id()), v.vault().vault().points().stream().map(PointManifest::id).toList());
        }
    }

    // ---- a marker the key does not open beside a lost point (session 21) ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aMarkerTheKeyDoesNotOpenMakesALostPointNotAnUnfinishedOne(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            Backend b = v.backend();
            Vault vault = v.vault().vault();
            String manifestA = Vault.manifestName(v.a().id());
            byte[] manifest = bytes(b, manifestA);
            // a marker sealed for point c, moved to point a (and, second, bytes that are no marker at all)
            String markerC = UnfinishedMarker.objectName(v.c().id());
            byte[] markerBody = Json.MAPPER.writeValueAsBytes(UnfinishedMarker.of("write"));
            ByteBuffer sealedForC = vault.codec().seal(ObjectKind.MARKER, markerC, markerBody, markerBody.length, false);
            byte[] moved = new byte[sealedForC.remaining()];
            sealedForC.get(moved);
            for (byte[] marker : List.of(moved, "not a marker".getBytes(StandardCharsets.UTF_8))) {
                b.delete(manifestA);
                b.put(UnfinishedMarker.objectName(v.a().id()), ByteBuffer.wrap(marker));
                int chunks = b.list("chunks/").size();

                PointListing listing = vault.listPoints();
                assertEquals(List.of(), listing.unfinished());
                assertEquals(List.of(v.a().id()), listing.lost().stream().map(PointListing.Lost::pointId).toList());
                assertEquals(List.of(v.a().id()), Verifier.wholePoints(listing).stream().map(d -> d.pointId()).toList(),
                        "verify reports the point");
                GcReport report = gc(v.vault());
                assertEquals(0, report.orphanObjects(), "the lost point's index is not swept as an unfinished backup's");
                assertEquals(chunks, b.list("chunks/").size());
                assertTrue(b.exists(v.a().disk("vda").index()));

                b.put(manifestA, ByteBuffer.wrap(manifest));
                b.delete(UnfinishedMarker.objectName(v.a().id()));
                assertArrayEquals(diskA, v.vault().restore(vault.point(v.a().id()), "vda"), "whole again with its manifest back");
            }
        }
    }

    // ---- the config (session 21) ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aConfigReplacedByAnUnencryptedOneIsRefusedNotWrittenInPlainText(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            Backend other = (flavour == VaultFlavour.S3_ENCRYPTED ? VaultFlavour.S3 : VaultFlavour.LOCAL).backend(dir.resolve("other"));
            Vault.create(other, CHUNK, null).close();
            byte[] own = bytes(v.backend(), Vault.CONFIG);
            v.backend().put(Vault.CONFIG, ByteBuffer.wrap(bytes(flavour.reopen(other), Vault.CONFIG)));

            List<String> before = v.backend().list("").stream().map(ObjectInfo::name).toList();
            CorruptDataException refused = assertThrows(CorruptDataException.class,
                    () -> Vault.open(flavour.reopen(v.backend()), flavour.keys(dir)));
            assertEquals(Vault.CONFIG, refused.object());
            assertTrue(refused.check().contains("the config says the vault is not encrypted, but its object 'points/"
                    + v.c().id() + "/"), refused.check());
            assertEquals(before, v.backend().list("").stream().map(ObjectInfo::name).toList(), "nothing written");

            v.backend().put(Vault.CONFIG, ByteBuffer.wrap(own));
            try (TestVault reopened = TestVault.open(flavour.reopen(v.backend()), flavour.keys(dir))) {
                assertArrayEquals(diskC, reopened.restore(reopened.vault().point(v.c().id()), "vda"));
            }
        }
    }

    @Test
    void anUnencryptedVaultOpensWithAKeyServiceAsBefore() throws IOException {
        try (Two v = twoPoints(VaultFlavour.LOCAL)) {
            try (Vault reopened = Vault.open(v.backend(), VaultFlavour.LOCAL_ENCRYPTED.keys(dir))) {
                assertEquals(2, reopened.points().size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void anotherVaultsConfigUnderTheSameKeyRingDamagesEveryPointAndStopsGc(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            Backend other = flavour.backend(dir.resolve("other"));
            Vault.create(other, CHUNK, flavour.keys(dir)).close();
            byte[] own = bytes(v.backend(), Vault.CONFIG);
            v.backend().put(Vault.CONFIG, ByteBuffer.wrap(bytes(flavour.reopen(other), Vault.CONFIG)));
            int chunks = v.backend().list("chunks/").size();
            try (TestVault swapped = TestVault.open(flavour.reopen(v.backend()), flavour.keys(dir))) {
                PointListing listing = swapped.vault().listPoints();
                assertEquals(List.of(), listing.points());
                assertEquals(2, listing.unreadable().size());
                assertThrows(CorruptDataException.class, () -> gc(swapped));
            }
            assertEquals(chunks, v.backend().list("chunks/").size());
            v.backend().put(Vault.CONFIG, ByteBuffer.wrap(own));
            try (TestVault reopened = TestVault.open(flavour.reopen(v.backend()), flavour.keys(dir))) {
                assertArrayEquals(diskA, reopened.restore(reopened.vault().point(v.a().id()), "vda"));
            }
        }
    }

    // ---- immutability: the vault's refusal, and what the adversary can do around it ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aDamagedHoldHoldsForEverAndARemovedOneIsNotNoticed(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            Vault vault = v.vault().vault();
            vault.holdUntil(v.c().id(), java.time.Instant.parse("2099-01-01T00:00:00Z"));
            String hold = Vault.holdName(v.c().id());
            byte[] stored = bytes(v.backend(), hold);
            stored[stored.length - 1] ^= 1;
            v.backend().put(hold, ByteBuffer.wrap(stored));
            assertThrows(PointImmutableException.class, () -> vault.deletePoint(v.c().id()));
            // removed by someone with the storage (no Object Lock here): the vault's own refusal goes with it
            v.backend().delete(hold);
            vault.deletePoint(v.c().id());
            assertEquals(List.of(v.a().id()), vault.points().stream().map(PointManifest::id).toList());
        }
    }

    // ---- deletions ----

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void deletedObjectsAreReportedAndGcDeletesNothingMoreBecauseOfThem(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            Backend b = v.backend();
            String chunkC = v.vault().vault().readIndex(v.c(), v.c().disk("vda")).get(1).objectName();
            b.delete(chunkC);
            VerifyReport report = verify(v.vault());
            assertEquals(List.of(chunkC), report.damage().stream().map(d -> d.object()).toList());
            assertTrue(report.damage().getFirst().problem().contains("is missing"), report.damage().getFirst().problem());
            int chunks = b.list("chunks/").size();
            assertEquals(0, gc(v.vault()).sweptChunks());
            assertEquals(chunks, b.list("chunks/").size());
            assertArrayEquals(diskA, v.vault().restore(v.a(), "vda"), "the other point restores");

            String indexA = v.a().disk("vda").index();
            b.delete(indexA);
            CorruptDataException stopped = assertThrows(CorruptDataException.class, () -> gc(v.vault()));
            assertEquals(indexA, stopped.object());
            assertTrue(stopped.check().contains("is missing"), stopped.check());
            assertEquals(chunks, b.list("chunks/").size(), "gc stops before it deletes anything");

            b.delete(Vault.manifestName(v.c().id()));
            PointListing listing = v.vault().vault().listPoints();
            assertEquals(List.of(v.c().id()), listing.lost().stream().map(PointListing.Lost::pointId).toList());
        }
    }

    /**
     * A chunk deleted behind the vault's back and a backup on top of its point: on a directory the backup looks for
     * every chunk (a {@code stat} each) and stores the missing one again, healing the older point too; on S3 a backup
     * takes the base point's chunks as present without asking (docs/design/s3.md, "Requests per backup"), so the new
     * point names the missing chunk as well, until a verify finds it.
     */
    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aChunkDeletedUnderABaseIsStoredAgainOnADirectoryAndInheritedOnS3(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            FixedIndex index = v.vault().vault().readIndex(v.a(), v.a().disk("vda"));
            String chunk = index.get(1).objectName();
            v.backend().delete(chunk);
            PointManifest next = v.vault().backup("a", coffer.testing.ByteArrayBlockSource.of(diskA),
                    coffer.vault.write.DiskBase.dedupAgainst(v.a().id(), index));
            if (flavour == VaultFlavour.S3_ENCRYPTED) {
                CorruptDataException missing = assertThrows(CorruptDataException.class, () -> v.vault().restore(next, "vda"));
                assertEquals(chunk, missing.object());
                assertEquals(List.of(v.a().id(), next.id()), verify(v.vault()).damage().stream().map(d -> d.pointId()).toList());
            } else {
                assertArrayEquals(diskA, v.vault().restore(next, "vda"));
                assertArrayEquals(diskA, v.vault().restore(v.a(), "vda"), "the chunk stored again heals the older point");
                assertTrue(verify(v.vault()).clean());
            }
        }
    }

    /** After a verify with quarantine, the next backup stores a chunk removed behind the vault's back again, on S3 too. */
    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aDeletedChunkFoundByVerifyIsStoredAgainByTheNextBackup(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour)) {
            FixedIndex index = v.vault().vault().readIndex(v.a(), v.a().disk("vda"));
            String chunk = index.get(1).objectName();
            v.backend().delete(chunk);
            VerifyReport report = verify(v.vault());
            assertEquals(List.of(chunk), report.damage().stream().map(d -> d.object()).toList());
            new coffer.vault.maintenance.Quarantine(v.vault().vault()).quarantine(report.damage(), Duration.ZERO);

            PointManifest next = v.vault().backup("a", coffer.testing.ByteArrayBlockSource.of(diskA),
                    coffer.vault.write.DiskBase.dedupAgainst(v.a().id(), index));
            assertArrayEquals(diskA, v.vault().restore(next, "vda"));
            assertArrayEquals(diskA, v.vault().restore(v.a(), "vda"), "the chunk stored again heals the older point");
            assertTrue(verify(v.vault()).clean());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"LOCAL_ENCRYPTED", "S3_ENCRYPTED"})
    void aReplicationOfATamperedPointFailsNamingTheObjectAndPublishesNoReplica(VaultFlavour flavour) throws IOException {
        try (Two v = twoPoints(flavour);
             TestVault destination = TestVault.create(VaultFlavour.LOCAL_ENCRYPTED.backend(dir.resolve("replica")),
                     VaultFlavour.LOCAL_ENCRYPTED.keys(dir.resolve("replica")))) {
            String chunkA = v.vault().vault().readIndex(v.a(), v.a().disk("vda")).get(0).objectName();
            String chunkC = v.vault().vault().readIndex(v.c(), v.c().disk("vda")).get(2).objectName();
            copy(v.backend(), chunkA, chunkC);
            var facts = Json.MAPPER.createObjectNode().put("version", 1);
            CorruptDataException refused = assertThrows(CorruptDataException.class,
                    () -> new coffer.vault.replicate.PointReplicator(v.vault().vault(), destination.vault(), 2)
                            .replicate(new coffer.vault.replicate.PointReplicator.Request(v.c().id(), facts, null), Progress.NONE));
            assertEquals(chunkC, refused.object());
            assertEquals(List.of(), destination.vault().listPoints().points());
            assertTrue(destination.vault().listPoints().whole());
        }
    }

    @Test
    void gcTrustsNoIndexItCannotRead() throws IOException {
        try (Two v = twoPoints(VaultFlavour.LOCAL_ENCRYPTED)) {
            FixedIndex index = v.vault().vault().readIndex(v.a(), v.a().disk("vda"));
            DamageTest.flipBit(v.backend(), v.a().disk("vda").index(), 2104);
            int chunks = v.backend().list("chunks/").size();
            CorruptDataException stopped = assertThrows(CorruptDataException.class, () -> gc(v.vault()));
            assertEquals(v.a().disk("vda").index(), stopped.object());
            assertEquals(chunks, v.backend().list("chunks/").size());
            assertTrue(v.backend().exists(index.get(0).objectName()));
        }
    }
}

package coffer.vault;

import coffer.testing.CrashingBackend;
import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.PointDamage;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point damaged as a whole stays one damaged point: a manifest that does not read is listed as damaged and
 * reported by verify, while listing, verify, restores of the other points, backups and gc keep working; a point
 * whose manifest is gone (its indexes left) is reported as lost, not mistaken for an unfinished backup.
 */
class DamagedPointTest {
    private static final int SIZE = 3 * CHUNK + 500;

    @TempDir
    Path dir;

    private final byte[] webDisk = new DiskImage(SIZE, 61).random(0, SIZE).bytes();
    private final byte[] webDisk2 = DiskImage.from(webDisk, 62).random(CHUNK, 1000).bytes();
    private final byte[] dbDisk = new DiskImage(SIZE, 63).text(0, SIZE).bytes();

    /** Three points: web (oldest), db, web again (newest). */
    private record Vault3(TestVault vault, PointManifest web1, PointManifest db, PointManifest web2) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            vault.close();
        }
    }

    private Vault3 threePoints(VaultFlavour flavour) throws IOException {
        TestVault vault = flavour.create(dir);
        return new Vault3(vault, vault.backup("web", webDisk), vault.backup("db", dbDisk), vault.backup("web", webDisk2));
    }

    private static void truncate(TestVault vault, String object) throws IOException {
        byte[] stored = DamageTest.bytes(vault.backend(), object);
        vault.backend().put(object, ByteBuffer.wrap(Arrays.copyOf(stored, stored.length / 2)));
    }

    private static VerifyReport verifyAll(TestVault vault) throws IOException {
        return new Verifier(vault.vault(), 2).verify(vault.vault().listPoints(), Progress.NONE);
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL_ENCRYPTED"})
    void aTruncatedManifestDamagesOnlyItsOwnPoint(VaultFlavour flavour) throws IOException {
        try (Vault3 v = threePoints(flavour)) {
            String manifest = Vault.manifestName(v.db().id());
            truncate(v.vault(), manifest);

            assertEquals(List.of(v.web1().id(), v.web2().id()), v.vault().vault().points().stream().map(PointManifest::id).toList());
            PointListing listing = v.vault().vault().listPoints();
            assertEquals(1, listing.unreadable().size());
            assertEquals(v.db().id(), listing.unreadable().getFirst().pointId());
            assertEquals(manifest, listing.unreadable().getFirst().object());

            VerifyReport report = verifyAll(v.vault());
            assertEquals(List.of(), report.damage(), "the other points' chunks are whole");
            assertEquals(List.of(new PointDamage(v.db().id(), manifest, report.damagedPoints().getFirst().problem())),
                    report.damagedPoints());
            assertTrue(report.damagedPoints().getFirst().problem().contains("manifest cannot be read"),
                    report.damagedPoints().getFirst().problem());
            assertEquals(2, report.points());

            assertArrayEquals(webDisk, v.vault().restore(v.vault().vault().resolve(v.web1().id()), "vda"));
            assertArrayEquals(webDisk2, v.vault().restore(v.vault().vault().resolve("web"), "vda"),
                    "a name whose newest point is newer than the damaged one resolves");
            PointManifest later = v.vault().backup("mail", dbDisk);
            assertArrayEquals(dbDisk, v.vault().restore(later, "vda"), "a backup under a new name works");

            new GarbageCollector(v.vault().vault()).collect(Duration.ZERO, Duration.ZERO);
            truncateRepaired(v, manifest);
            assertArrayEquals(dbDisk, v.vault().restore(v.db(), "vda"), "gc kept every chunk the damaged point names");
        }
    }

    /** Puts the intact manifest back (as from a copy of the vault), to show gc lost nothing of the point. */
    private static void truncateRepaired(Vault3 v, String manifest) throws IOException {
        byte[] body = coffer.vault.format.Json.MAPPER.writeValueAsBytes(v.db());
        v.vault().backend().put(manifest, v.vault().vault().codec().seal(coffer.vault.format.ObjectKind.MANIFEST, manifest,
                body, body.length, false));
    }

    @Test
    void resolvingAnExactIdReadsOnlyThatPointsManifest() throws IOException {
        try (Vault3 v = threePoints(VaultFlavour.MEMORY)) {
            truncate(v.vault(), Vault.manifestName(v.web2().id()));
            CrashingBackend counting = CrashingBackend.counting(v.vault().backend());
            Vault vault = Vault.open(counting, null);
            long opening = counting.calls();
            assertEquals(v.db(), vault.resolve(v.db().id()));
            assertEquals(2, counting.calls() - opening, "one look for the manifest, one read of it");
            assertEquals(v.web1(), vault.resolve(v.web1().id().substring(0, 20)), "a unique id prefix reads one manifest too");
        }
    }

    @Test
    void aNameWhoseNewestPointMightBeTheDamagedOneIsRefusedNotAnsweredWithAnOlderPoint() throws IOException {
        try (Vault3 v = threePoints(VaultFlavour.MEMORY)) {
            truncate(v.vault(), Vault.manifestName(v.web2().id()));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> v.vault().vault().resolve("web"));
            assertTrue(e.getMessage().contains(v.web2().id()) && e.getMessage().contains(v.web1().id()), e.getMessage());
            assertEquals(v.web1(), v.vault().vault().latest("web"), "as a base for the next backup the older point serves");
            PointManifest next = v.vault().backup("web", webDisk2);
            assertArrayEquals(webDisk2, v.vault().restore(next, "vda"), "a backup of the same name works");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "LOCAL"})
    void aPointWhoseManifestIsGoneIsReportedLost(VaultFlavour flavour) throws IOException {
        try (Vault3 v = threePoints(flavour)) {
            v.vault().backend().delete(Vault.manifestName(v.db().id()));
            PointListing listing = v.vault().vault().listPoints();
            assertEquals(List.of(new PointListing.Lost(v.db().id(), List.of(v.db().disk("vda").index()))), listing.lost());
            assertEquals(List.of(), listing.unfinished());

            VerifyReport report = verifyAll(v.vault());
            assertEquals(List.of(new PointDamage(v.db().id(), Vault.manifestName(v.db().id()),
                    report.damagedPoints().getFirst().problem())), report.damagedPoints());
            assertTrue(report.damagedPoints().getFirst().problem().contains(v.db().disk("vda").index()),
                    report.damagedPoints().getFirst().problem());
            assertEquals(List.of(), report.damage());

            v.vault().vault().deletePoint(v.db().id());
            assertTrue(verifyAll(v.vault()).clean(), "deleting what remains of it on purpose clears the report");
        }
    }

    @Test
    void anUnfinishedOrBeingDeletedPointIsNotLost() throws IOException {
        try (Vault3 v = threePoints(VaultFlavour.MEMORY)) {
            String id = "20260101-120000-00c0ffee";
            UnfinishedMarker.of("write").put(v.vault().vault(), id);
            v.vault().backend().put(Vault.POINTS + id + "/disk-0.fidx", v.vault().backend().get(v.db().disk("vda").index()));
            // a delete that died after removing the manifest
            UnfinishedMarker.of("delete").put(v.vault().vault(), v.web1().id());
            v.vault().backend().delete(Vault.manifestName(v.web1().id()));

            PointListing listing = v.vault().vault().listPoints();
            assertEquals(List.of(v.web1().id(), id), listing.unfinished());
            assertEquals(List.of(), listing.lost());
            assertTrue(verifyAll(v.vault()).clean());
        }
    }

    @Test
    void aDeleteLeavesNoLostPointAtAnyCrash() throws IOException {
        for (long n = 1; ; n++) {
            try (Vault3 v = threePoints(VaultFlavour.MEMORY)) {
                CrashingBackend crashing = CrashingBackend.crashAt(v.vault().backend(), n, n % 2 == 0);
                try {
                    Vault.open(crashing, null).deletePoint(v.db().id());
                    if (!crashing.failed()) {
                        return; // every call of a delete has crashed once
                    }
                } catch (IOException crashed) {
                    // as a killed process
                }
                PointListing after = v.vault().vault().listPoints();
                assertEquals(List.of(), after.lost(), "crash at call " + n + " of a delete");
                assertTrue(verifyAll(v.vault()).clean(), "crash at call " + n);
            }
        }
    }

    @Test
    void aFailedWriterThatCannotRemoveItsIndexLeavesAnUnfinishedPointNotALostOne() throws IOException {
        try (Vault3 v = threePoints(VaultFlavour.MEMORY)) {
            CrashingBackend failing = CrashingBackend.failWhen(v.vault().backend(), (method, name) ->
                    method.equals("put") && name.endsWith("/manifest") || method.equals("delete") && name.endsWith(".fidx"));
            Vault vault = Vault.open(failing, null);
            assertThrows(IOException.class, () -> {
                try (coffer.vault.write.PointWriter writer = coffer.vault.write.PointWriter.begin(vault, "web",
                        v.web2().createdAt().plusSeconds(60), 1)) {
                    writer.writeDisk("vda", coffer.testing.ByteArrayBlockSource.of(webDisk), "raw", null, Progress.NONE);
                    writer.commit("CRASH", null, null, null);
                }
            });
            PointListing listing = v.vault().vault().listPoints();
            assertEquals(List.of(), listing.lost(), "its index is left, and so is its marker");
            assertEquals(1, listing.unfinished().size());
            assertTrue(verifyAll(v.vault()).clean());
        }
    }
}

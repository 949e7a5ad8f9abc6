package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import coffer.vault.write.DiskBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vault {@code fixtures/built-ef03003} was written by the Coffer build of commit ef03003 (2026-11-21, the first
 * builds' formats: config 1, envelope 1, index 1, manifest 1), not by today's fixture generator: its jar's
 * {@code image backup} (a full point and an incremental) and offline {@code backup} of a shut-off libvirt domain (a full
 * point and an incremental whose changed chunk is a chunk patch: index version 2, patch version 1), encrypted
 * (fixtures/README.md). Today's build lists, restores bit for bit, verifies,
 * continues its chains and collects it (docs/format/README.md, "Compatibility").
 */
class BuiltByEarlierBuildTest {
    private static final String VAULT = "built-ef03003";
    private static final String DOMAIN = "9cc72597-297d-4e9e-9e3a-895f9ce898a6";

    /** id, name, parent, disk, size, SHA-256 of the disk: as the build recorded them and as its inputs hashed. */
    private record Recorded(String id, String name, String parent, String disk, long size, String sha256) {
    }

    private static final List<Recorded> POINTS = List.of(
            new Recorded("20261207-044505-f43b9128", "fixture", null, "fixture.raw", 544_621,
                    "2585cb7a82f7440cdfaf696b2364867b57d567684a023ee3a8ea17ae1614104c"),
            new Recorded("20261207-044510-4afd653b", "fixture", "20261207-044505-f43b9128", "fixture.raw", 544_621,
                    "9ede056605db5061cb69d27e7d9d6a15210846458b4da5d9655da456bf9342b9"),
            new Recorded("20261207-044516-dba6c57d", "compat20-fx", null, "vda", 544_768,
                    "27d862d893cbf868f8a382a2ebd71780fab42a3aa979f0c9c262099cab1fb2a7"),
            new Recorded("20261207-044526-0780b460", "compat20-fx", "20261207-044516-dba6c57d", "vda", 544_768,
                    "5b2e0ce8d2656b4147c366b23e0bf99acc452e99140d7835fb8e32fa20ef4df9"));

    @TempDir
    Path temp;

    private Path vaultDir;
    private LocalKeyRing keys;

    @BeforeEach
    void copyFixture() throws IOException, URISyntaxException {
        Path fixtures = Path.of(BuiltByEarlierBuildTest.class.getResource("/fixtures/fixtures.json").toURI()).getParent();
        vaultDir = temp.resolve(VAULT);
        GoldenFixtureGenerator.copyTree(fixtures.resolve(VAULT), vaultDir);
        keys = new LocalKeyRing(fixtures.resolve(VAULT + "-keyring.json"));
    }

    @Test
    void listsItsPointsAsTheBuildRecordedThem() throws IOException {
        try (Vault vault = Vault.open(new LocalDirectoryBackend(vaultDir), keys)) {
            assertEquals(1, vault.config().version());
            assertTrue(vault.config().encrypted());
            List<PointManifest> points = vault.points();
            assertEquals(POINTS.size(), points.size());
            for (int i = 0; i < points.size(); i++) {
                Recorded recorded = POINTS.get(i);
                PointManifest point = points.get(i);
                assertEquals(recorded.id(), point.id());
                assertEquals(1, point.version(), "manifest version 1");
                assertEquals(recorded.name(), point.name());
                assertEquals(recorded.parent(), point.parent());
                assertEquals(recorded.size(), point.disk(recorded.disk()).size());
                assertNull(point.immutableUntil());
            }
            try (TestVault test = TestVault.open(new LocalDirectoryBackend(vaultDir), keys)) {
                assertEquals(0, test.index(points.get(2), "vda").patchCount());
                assertEquals(1, test.index(points.get(3), "vda").patchCount(),
                        "the build's incremental of the domain stored its changed chunk as a patch (index version 2)");
            }
            assertTrue(points.get(3).attributes().containsValue(DOMAIN), "the instance points' attributes name the domain: "
                    + points.get(3).attributes());
        }
    }

    @Test
    void everyDiskRestoresBitForBitAndTheVaultVerifiesClean() throws IOException {
        try (TestVault vault = TestVault.open(new LocalDirectoryBackend(vaultDir), keys)) {
            for (Recorded recorded : POINTS) {
                PointManifest point = vault.vault().point(recorded.id());
                assertEquals(recorded.sha256(), TestData.sha256(vault.restore(point, recorded.disk())), recorded.id());
            }
            VerifyReport report = new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE);
            assertTrue(report.clean(), report.damage().toString());
            assertEquals(POINTS.size(), report.points());
        }
    }

    /** An incremental on the build's chain, then gc after its first point is deleted: every other point restores. */
    @Test
    void anIncrementalContinuesItsChainAndGcKeepsWhatThePointsUse() throws IOException {
        try (TestVault vault = TestVault.open(new LocalDirectoryBackend(vaultDir), keys)) {
            PointManifest last = vault.vault().point(POINTS.get(3).id());
            byte[] disk = vault.restore(last, "vda");
            disk[300_000] ^= 1;
            List<String> before = vault.chunkObjects();
            PointManifest next = vault.backup("compat20-fx", ByteArrayBlockSource.of(disk),
                    DiskBase.dedupAgainst(last.id(), vault.index(last, "vda")));
            assertEquals(last.id(), next.parent());
            // the changed chunk, and chunk 0, which the build's incremental stored as a patch over its base: a backup not
            // told the changed ranges stores it whole (as it would after any build's patch)
            assertEquals(2, next.disk("vda").newChunks());
            assertEquals(0, vault.index(next, "vda").patchCount());
            assertEquals(before.size() + 2, vault.chunkObjects().size());
            assertEquals(TestData.sha256(disk), TestData.sha256(vault.restore(next, "vda")));

            vault.vault().deletePoint(POINTS.getFirst().id());
            GcReport gc = new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ZERO);
            assertEquals(POINTS.size(), gc.livePoints());
            for (Recorded recorded : POINTS.subList(1, POINTS.size())) {
                assertEquals(recorded.sha256(), TestData.sha256(vault.restore(vault.vault().point(recorded.id()),
                        recorded.disk())), recorded.id());
            }
            VerifyReport report = new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE);
            assertTrue(report.clean(), report.damage().toString());
        }
    }
}

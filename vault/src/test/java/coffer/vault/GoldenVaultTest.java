package coffer.vault;

import coffer.testing.ByteArrayBlockSink;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.Json;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import coffer.vault.read.DiskRestorer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the checked-in vaults of {@code src/test/resources/fixtures} (see its README): this build must read
 * what earlier builds wrote, and must report the damaged copies precisely.
 */
class GoldenVaultTest {
    @TempDir
    Path temp;

    private Path fixtures;
    private JsonNode expected;

    @BeforeEach
    void copyFixtures() throws IOException, URISyntaxException {
        Path checkedIn = Path.of(GoldenVaultTest.class.getResource("/fixtures/fixtures.json").toURI()).getParent();
        fixtures = temp.resolve("fixtures");
        GoldenFixtureGenerator.copyTree(checkedIn, fixtures);
        expected = Json.MAPPER.readTree(fixtures.resolve("fixtures.json").toFile());
    }

    private KeyService keysOf(String vault) {
        JsonNode ring = expected.get("vaults").get(vault).get("keyRing");
        return ring == null ? null : new LocalKeyRing(fixtures.resolve(ring.asText()));
    }

    private Vault open(String dir, KeyService keys) throws IOException {
        return Vault.open(new LocalDirectoryBackend(fixtures.resolve(dir)), keys);
    }

    private static byte[] restore(Vault vault, PointManifest point, int threads) throws IOException {
        PointManifest.Disk disk = point.disk("vda");
        ByteArrayBlockSink sink = new ByteArrayBlockSink((int) disk.size());
        new DiskRestorer(vault, threads).restore(point, disk, sink, false, Progress.NONE);
        return sink.bytes();
    }

    /** The lz4 fixture is a config version 2 vault whose compressed objects are LZ4 blocks (flag bit 2), not zstd. */
    @Test
    void theLz4FixtureIsAConfigVersion2VaultOfLz4Objects() throws IOException {
        try (TestVault vault = TestVault.open(new LocalDirectoryBackend(fixtures.resolve("lz4")), keysOf("lz4"))) {
            assertEquals(2, vault.vault().config().version());
            assertEquals("lz4", vault.vault().config().compression());
            int lz4 = 0;
            for (String chunk : vault.chunkObjects()) {
                byte flags = Files.readAllBytes(fixtures.resolve("lz4").resolve(chunk))[6];
                assertEquals(0, flags & 1, chunk + " is not zstd");
                lz4 += (flags & 4) != 0 ? 1 : 0;
            }
            assertTrue(lz4 >= 2, "the text chunks are LZ4 blocks: " + lz4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "encrypted", "patched", "immutable", "instance-facts", "lz4"})
    void theFixtureVaultsListTheirRecordedPoints(String name) throws IOException {
        JsonNode recorded = expected.get("vaults").get(name);
        try (Vault vault = open(name, keysOf(name))) {
            assertEquals(recorded.get("encrypted").asBoolean(), vault.config().encrypted());
            assertEquals(expected.get("chunkSize").asInt(), vault.chunkSize());
            List<PointManifest> points = vault.points();
            assertEquals(recorded.get("points").size(), points.size());
            for (int i = 0; i < points.size(); i++) {
                JsonNode p = recorded.get("points").get(i);
                PointManifest point = points.get(i);
                assertEquals(p.get("id").asText(), point.id());
                assertEquals(p.get("name").asText(), point.name());
                assertEquals(Instant.parse(p.get("createdAt").asText()), point.createdAt());
                assertEquals(p.has("parent") ? p.get("parent").asText() : null, point.parent());
                if (!name.equals("instance-facts")) {
                    assertEquals("golden", point.version() < 3 ? point.attributes().get("fixture")
                            : point.facts().path("fixture").asText(), "the facts recorded, in either manifest version");
                }
                JsonNode d = p.get("disks").get(0);
                assertEquals(d.get("size").asLong(), point.disk(d.get("name").asText()).size());
                assertEquals(d.get("index").asText(), point.disk("vda").index());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "encrypted", "patched", "immutable", "replica", "instance-facts", "lz4"})
    void everyDiskOfTheFixtureVaultsRestoresToItsRecordedSha256(String name) throws IOException {
        try (Vault vault = open(name, keysOf(name))) {
            for (JsonNode p : expected.get("vaults").get(name).get("points")) {
                PointManifest point = vault.point(p.get("id").asText());
                JsonNode disk = p.get("disks").get(0);
                assertEquals(disk.get("sha256").asText(), TestData.sha256(restore(vault, point, 2)),
                        name + " point " + point.id());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "encrypted", "patched", "immutable", "replica", "instance-facts", "lz4"})
    void theFixtureVaultsVerifyClean(String name) throws IOException {
        try (Vault vault = open(name, keysOf(name))) {
            VerifyReport report = new Verifier(vault, 2).verify(vault.points(), Progress.NONE);
            assertTrue(report.clean(), report.damage().toString());
            assertEquals(2, report.points());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "encrypted", "lz4"})
    void aNewPointOfTheSameContentReusesTheFixtureChunks(String name) throws IOException {
        try (TestVault vault = TestVault.open(new LocalDirectoryBackend(fixtures.resolve(name)), keysOf(name))) {
            List<String> chunks = vault.chunkObjects();
            PointManifest last = vault.vault().points().getLast();
            byte[] disk = vault.restore(last, "vda");
            PointManifest again = vault.backup("fixture-vm", disk);
            assertEquals(0, again.disk("vda").newChunks(), "chunk ids are stable across builds");
            assertEquals(chunks, vault.chunkObjects());
            assertEquals(last.disk("vda").indexChecksum(), again.disk("vda").indexChecksum());
        }
    }

    /**
     * The replicas of the patched vault's points, in an encrypted vault of their own: their source in the attributes
     * (replica facts version 1, docs/format/manifest.md), the second replica's patches kept and re-based onto the first
     * replica's chunks, no object named as in the source.
     */
    @Test
    void theReplicaFixtureRecordsItsSourcesAndKeepsThePatches() throws IOException {
        JsonNode recorded = expected.get("vaults").get("replica").get("points");
        try (Vault vault = open("replica", keysOf("replica")); Vault source = open("patched", null)) {
            List<PointManifest> points = vault.points();
            assertEquals(2, points.size());
            for (int i = 0; i < 2; i++) {
                PointManifest replica = points.get(i);
                JsonNode p = recorded.get(i);
                assertEquals(p.get("id").asText(), replica.id());
                assertEquals(Map.of("fixture", "golden", "replica.version", "1", "replica.region", "local",
                        "replica.vault", "patched", "replica.vaultId", source.config().vaultId(),
                        "replica.point", p.get("replicaOf").asText()), replica.attributes());
                assertEquals(source.point(p.get("replicaOf").asText()).createdAt(), replica.createdAt());
            }
            assertEquals(points.getFirst().id(), points.getLast().parent());
            var index = vault.readIndex(points.getLast(), points.getLast().disk("vda"));
            assertEquals(2, index.patchCount());
            var base = vault.readIndex(points.getFirst(), points.getFirst().disk("vda"));
            assertEquals(base.get(3), index.patchOf(3).base());
            var sourceIndex = source.readIndex(source.points().getLast(), source.points().getLast().disk("vda"));
            assertTrue(java.util.stream.IntStream.range(0, index.chunkCount()).filter(i -> !index.get(i).isZero())
                    .noneMatch(i -> index.get(i).equals(sourceIndex.get(i))), "re-hashed with the replica vault's key");
        }
    }

    @Test
    void thePatchedFixtureHoldsAVersion2IndexWithTwoChunkPatches() throws IOException {
        try (Vault vault = open("patched", null)) {
            PointManifest second = vault.points().getLast();
            var index = vault.readIndex(second, second.disk("vda"));
            assertEquals(2, index.patchCount());
            PointManifest first = vault.points().getFirst();
            var base = vault.readIndex(first, first.disk("vda"));
            assertEquals(new coffer.vault.format.FixedIndex.Patched(base.get(3), 4096), index.patchOf(3));
            assertEquals(new coffer.vault.format.FixedIndex.Patched(base.get(4), 100), index.patchOf(4));
            assertEquals(5, new Verifier(vault, 2).verify(vault.points(), Progress.NONE).chunksChecked(),
                    "three chunks of the first point (chunk 1 zero, chunk 2 repeats chunk 0), two patches");
        }
    }

    /**
     * Manifest version 2 and hold version 1: the point held for ever by its hold (its manifest said 2026-02-01) is
     * refused deletion; the one whose hold ran out in 2026-01 is deleted; version 1 manifests have no hold.
     */
    @Test
    void theImmutableFixtureHoldsItsPointsAsRecorded() throws IOException {
        JsonNode recorded = expected.get("vaults").get("immutable").get("points");
        try (Vault vault = open("immutable", null); Vault plain = open("plain", null)) {
            PointManifest first = vault.point(recorded.get(0).get("id").asText());
            PointManifest second = vault.point(recorded.get(1).get("id").asText());
            assertEquals(2, first.version());
            assertEquals(Instant.parse(recorded.get(0).get("immutableUntil").asText()), vault.immutableUntil(first));
            assertEquals(Vault.FOREVER, vault.immutableUntil(second));
            assertEquals(Instant.parse("2026-02-01T00:00:00Z"), second.immutableUntil(), "the manifest keeps its own");
            PointImmutableException refused = assertThrows(PointImmutableException.class, () -> vault.deletePoint(second.id()));
            assertTrue(refused.getMessage().contains("for ever"), refused.getMessage());
            vault.deletePoint(first.id());
            assertEquals(List.of(second.id()), vault.points().stream().map(PointManifest::id).toList());
            for (PointManifest old : plain.points()) {
                assertEquals(1, old.version());
                assertEquals(null, plain.immutableUntil(old), "a version 1 point is not immutable");
            }
        }
    }

    @Test
    void theEncryptedFixtureOpensOnlyWithItsKeyRing() throws IOException {
        assertThrows(KeyUnavailableException.class, () -> open("encrypted", null));
        LocalKeyRing other = new LocalKeyRing(temp.resolve("other-keyring.json"));
        other.createKey();
        assertThrows(KeyUnavailableException.class, () -> open("encrypted", other));
        KeyUnavailableException missing = assertThrows(KeyUnavailableException.class,
                () -> open("encrypted", new LocalKeyRing(temp.resolve("missing.json"))));
        assertTrue(missing.getMessage().contains(temp.resolve("missing.json").toString()), missing.getMessage());
    }

    @Test
    void aFlippedBitInAChunkIsReportedAtEveryRangeThatUsesIt() throws IOException {
        JsonNode damaged = expected.get("damaged").get("damaged-chunk");
        String object = damaged.get("object").asText();
        try (Vault vault = open("damaged-chunk", null)) {
            VerifyReport report = new Verifier(vault, 2).verify(vault.points(), Progress.NONE);
            List<String> found = new ArrayList<>();
            for (Damage d : report.damage()) {
                assertEquals(object, d.object());
                assertTrue(d.problem().contains(object), d.problem());
                found.add(d.pointId() + " " + d.disk() + " " + d.offset() + "+" + d.length());
            }
            List<String> recorded = new ArrayList<>();
            for (JsonNode d : damaged.get("damage")) {
                recorded.add(d.get("point").asText() + " " + d.get("disk").asText() + " " + d.get("offset").asLong() + "+"
                        + d.get("length").asLong());
            }
            assertEquals(new HashSet<>(recorded), new HashSet<>(found));
            assertEquals(recorded.size(), found.size());
            assertEquals(5, report.chunksChecked(), "each distinct chunk is read once: 3 in the first point, 2 new in the second");
        }
    }

    @Test
    void restoreOfTheDamagedChunkFixtureFailsNamingPointDiskAndRange() throws IOException {
        JsonNode damaged = expected.get("damaged").get("damaged-chunk");
        JsonNode first = damaged.get("damage").get(0);
        try (Vault vault = open("damaged-chunk", null)) {
            PointManifest point = vault.point(first.get("point").asText());
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> restore(vault, point, 1));
            long offset = first.get("offset").asLong();
            String where = "point " + point.id() + " disk vda bytes " + offset + "-" + (offset + first.get("length").asLong() - 1);
            assertEquals(where, e.where());
            assertEquals(damaged.get("object").asText(), e.object());
            assertTrue(e.getMessage().contains(where), e.getMessage());
        }
    }

    @Test
    void aTruncatedIndexFailsItsPointAndSparesTheOther() throws IOException {
        JsonNode damaged = expected.get("damaged").get("truncated-index");
        JsonNode intact = expected.get("vaults").get("plain").get("points").get(0);
        assertEquals(intact.get("id").asText(), damaged.get("intactPoint").asText());
        try (Vault vault = open("truncated-index", null)) {
            PointManifest broken = vault.point(damaged.get("point").asText());
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> restore(vault, broken, 2));
            assertEquals(damaged.get("object").asText(), e.object());

            PointManifest spared = vault.point(intact.get("id").asText());
            assertEquals(intact.get("disks").get(0).get("sha256").asText(), TestData.sha256(restore(vault, spared, 2)));

            VerifyReport report = new Verifier(vault, 2).verify(vault.points(), Progress.NONE);
            assertEquals(1, report.damage().size(), report.damage().toString());
            Damage d = report.damage().getFirst();
            assertEquals(broken.id(), d.pointId());
            assertEquals(0, d.offset());
            assertEquals(broken.disk("vda").size(), d.length());
            assertEquals(damaged.get("object").asText(), d.object());
        }
    }

    @Test
    void theDamagedPointsFixtureListsADamagedALostAndAnUnfinishedPointAndGcKeepsWhatTheyName() throws IOException {
        JsonNode damaged = expected.get("damaged").get("damaged-points");
        String unreadable = damaged.get("unreadable").asText();
        String lost = damaged.get("lost").asText();
        String unfinished = damaged.get("unfinished").asText();
        try (Vault vault = open("damaged-points", null)) {
            PointListing listing = vault.listPoints();
            assertEquals(List.of(), listing.points());
            assertEquals(List.of(unreadable), listing.unreadable().stream().map(PointListing.Unreadable::pointId).toList());
            assertEquals(List.of(lost), listing.lost().stream().map(PointListing.Lost::pointId).toList());
            assertEquals(List.of(unfinished), listing.unfinished(), "a version 1 marker makes its point unfinished");

            VerifyReport report = new Verifier(vault, 2).verify(listing, Progress.NONE);
            assertEquals(List.of(unreadable, lost), report.damagedPoints().stream().map(d -> d.pointId()).toList());
            assertEquals(List.of(Vault.manifestName(unreadable), Vault.manifestName(lost)),
                    report.damagedPoints().stream().map(d -> d.object()).toList());

            List<String> chunks = vault.backend().list(Vault.CHUNKS).stream().map(ObjectInfo::name).sorted().toList();
            GcReport gc = new GarbageCollector(vault).collect(Duration.ZERO, Duration.ZERO);
            assertEquals(2, gc.damagedPoints());
            assertEquals(2, gc.orphanObjects(), "the unfinished point's index and marker");
            assertEquals(chunks, vault.backend().list(Vault.CHUNKS).stream().map(ObjectInfo::name).sorted().toList(),
                    "every chunk the damaged and the lost point's indexes name is kept");
            assertTrue(vault.listPoints().unfinished().isEmpty());
        }
    }

    @Test
    void aConfigOfAnUnknownVersionIsUnsupported() {
        int version = expected.get("damaged").get("future-config").get("configVersion").asInt();
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> open("future-config", null));
        assertTrue(e.getMessage().contains("version " + version), e.getMessage());
        assertTrue(e.getMessage().contains("'config'"), e.getMessage());
    }

    @Test
    void theCheckedInFixturesStayUnder3MiB() throws IOException {
        long[] total = {0};
        try (var files = Files.walk(fixtures)) {
            files.filter(Files::isRegularFile).forEach(f -> total[0] += f.toFile().length());
        }
        assertNotNull(expected);
        assertTrue(total[0] < 3L * 1024 * 1024, "fixtures hold " + total[0] + " bytes");
    }
}

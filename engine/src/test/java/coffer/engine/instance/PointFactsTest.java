package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.json.CofferJson;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static coffer.vault.format.SameOutcome.assertSameOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The typed facts of an instance point: manifests of version 1 (a string map) and of version 3 (the facts
 * section) read alike, from the golden fixture vault {@code instance-facts} (vault test resources).
 */
class PointFactsTest {
    @TempDir Path dir;

    private List<PointManifest> fixturePoints() throws Exception {
        // the vault module's test resources: a directory in a module build, inside its test jar in a reactor's verify
        java.net.URI config = PointFactsTest.class.getResource("/fixtures/instance-facts/config").toURI();
        Path copy = dir.resolve("instance-facts");
        if ("jar".equals(config.getScheme())) {
            try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(config, Map.of())) {
                copyTree(jar.getPath("/fixtures/instance-facts"), copy);
            }
        } else {
            copyTree(Path.of(config).getParent(), copy);
        }
        try (Vault vault = Vault.open(new LocalDirectoryBackend(copy), null)) {
            return vault.points();
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    @Test
    void manifestsOfVersionOneAndThreeGiveTheSameTypedFacts() throws Exception {
        List<PointManifest> points = fixturePoints();
        assertEquals(1, points.get(0).version());
        assertEquals(3, points.get(1).version());
        PointFacts v1 = PointFacts.of(points.get(0));
        PointFacts v2 = PointFacts.of(points.get(1));
        assertEquals(v2, v1);
        assertEquals(new PointFacts.Instance("6f1c2a9e-0b7d-4c55-9a51-3c2f4d8e9b10", "qemu:///system", "running"), v1.instance());
        assertEquals(Map.of("vda", new PointFacts.Disk("full", "no previous point of this instance", "qcow2")), v1.disks());
        assertEquals(new PointFacts.Consistency("no /tmp/prescript.sh in the guest", 169L), v1.consistency());
        assertEquals(Instant.parse("2026-12-08T00:00:00Z"), v1.expires());
        assertEquals(new PointFacts.Plan("plan-1a2b3c4d", "pol-5e6f7a8b", true), v1.plan());
        assertEquals("coffer-fixture", v1.checkpoint());
        assertNull(v1.group());
        assertEquals("FILESYSTEM", points.get(0).consistency(), "the level: the manifest's own field");
    }

    @Test
    void factsWriteAndReadBackAndMergeFieldByField() {
        PointFacts base = PointFacts.expiring(Instant.parse("2026-01-01T00:00:00Z"));
        PointFacts merged = base.with(PointFacts.ofPlan("p", "q", false));
        assertEquals(base.expires(), merged.expires());
        assertEquals(new PointFacts.Plan("p", "q", false), merged.plan());
        assertEquals(merged, CofferJson.read(merged.json(), PointFacts.class));
        assertNull(PointFacts.NONE.json(), "no facts, no section");
    }

    @Test
    void aDescriptionIsAFactSinceVersionTwoAndFactsAreWrittenInTheNewestVersion() {
        PointFacts described = PointFacts.expiring(Instant.parse("2026-01-01T00:00:00Z")).with(PointFacts.described("note"));
        assertEquals(PointFacts.VERSION, described.json().path("version").asInt());
        assertEquals("note", described.json().path("description").asText());
        assertEquals(described, CofferJson.read(described.json(), PointFacts.class));
    }

    @Test
    void factsOfANewerVersionAreRefusedWithTheVersions() throws Exception {
        PointManifest point = new PointManifest(PointManifest.FORMAT, 3, "20260101-000000-aaaaaaaa", "x", Instant.EPOCH,
                "CRASH", null, List.of(), List.of(), Map.of(), null, CofferJson.MAPPER.readTree("{\"version\": 9}"));
        assertEquals(ErrorCode.UnsupportedFormat, assertThrows(CofferException.class, () -> PointFacts.of(point)).code());
    }

    private static PointManifest withFacts(String facts) throws Exception {
        return new PointManifest(PointManifest.FORMAT, 3, "20260101-000000-aaaaaaaa", "x", Instant.EPOCH, "CRASH", null,
                List.of(), List.of(), Map.of(), null, CofferJson.MAPPER.readTree(facts));
    }

    @Test
    void anInstanceBackupsFactsReadWithoutTheRecordBindingToWhatItReads() throws Exception {
        PointFacts written = new PointFacts(PointFacts.VERSION, new PointFacts.Instance("6f1c", "qemu:///system", "running"),
                "<domain>é\n</domain>", "coffer-1", Map.of("vda", new PointFacts.Disk("incremental", null, "qcow2"),
                "vdb", new PointFacts.Disk("full", "no bitmap", "raw")), new PointFacts.Consistency("no agent", 4_000_000_000L),
                null, null, null, "a note", null);
        PointManifest point = new PointManifest(PointManifest.FORMAT, 3, "20260101-000000-aaaaaaaa", "x", Instant.EPOCH,
                "CRASH", null, List.of(), List.of(), Map.of(), null, written.json());
        PointFacts common = PointFacts.commonForm(point.facts());
        org.junit.jupiter.api.Assertions.assertNotNull(common, "the facts an instance backup writes");
        assertEquals(CofferJson.read(point.facts(), PointFacts.class), common);
        assertEquals(written, PointFacts.of(point));
        assertEquals(written, CofferJson.read(written.json(), PointFacts.class));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"version\":3,\"instance\":{\"uuid\":\"u\"}}",
            "{\"version\":1,\"instance\":null,\"disks\":null,\"consistency\":null,\"checkpoint\":null}",
            "{\"version\":3,\"disks\":{}}",
            "{\"version\":3,\"consistency\":{\"freezeMillis\":null}}",
            "{\"version\":3,\"consistency\":{\"freezeMillis\":12345678901}}",
            "{\"version\":3,\"instance\":{\"uuid\":7}}",
            "{\"version\":3,\"instance\":{\"uuid\":\"u\",\"other\":1}}",
            "{\"version\":3,\"instance\":\"u\"}",
            "{\"version\":3,\"instance\":[]}",
            "{\"version\":3,\"disks\":{\"vda\":null}}",
            "{\"version\":3,\"disks\":{\"vda\":{\"mode\":true}}}",
            "{\"version\":3,\"disks\":[]}",
            "{\"version\":3,\"consistency\":{\"freezeMillis\":1.5}}",
            "{\"version\":3,\"consistency\":{\"freezeMillis\":\"5\"}}",
            "{\"version\":3,\"consistency\":{\"freezeMillis\":123456789012345678901}}",
            "{\"version\":3,\"domainXml\":5}",
            "{\"version\":3,\"checkpoint\":false}",
            "{\"version\":3,\"unknown\":1}",
            "{\"version\":3,\"expires\":\"2026-01-01T00:00:00Z\",\"plan\":{\"id\":\"p\",\"policy\":\"q\",\"immutable\":true}}",
            "{\"version\":3,\"expires\":\"soon\"}",
            "{\"version\":3,\"group\":{\"id\":\"g\",\"members\":[\"a\"],\"pauseMillis\":3}}",
            "{\"version\":3,\"replica\":{\"version\":1,\"point\":\"p\"}}",
            "{\"version\":2.0}", "{\"version\":\"3\"}", "{\"version\":9}", "{\"other\":1}"})
    void anyOtherFactsReadAsTheRecordBindingReadsThem(String facts) throws Exception {
        PointManifest point = withFacts(facts);
        assertSameOutcome(() -> {
            // what PointFacts.of did before the common form was read directly
            com.fasterxml.jackson.databind.JsonNode version = point.facts().get("version");
            if (version == null || !version.canConvertToInt() || version.asInt() > PointFacts.VERSION) {
                throw new CofferException(ErrorCode.UnsupportedFormat, "point " + point.id() + ": point facts of version "
                        + version + "; this Coffer reads up to version " + PointFacts.VERSION);
            }
            return CofferJson.read(point.facts(), PointFacts.class);
        }, () -> PointFacts.of(point), facts);
    }
}

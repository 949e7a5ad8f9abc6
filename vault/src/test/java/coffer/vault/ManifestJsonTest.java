package coffer.vault;

import coffer.vault.format.CanonicalJson;
import coffer.vault.format.Json;
import coffer.vault.format.SameOutcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A manifest read without databind (docs/format/manifest.md) must read to what
 * databind reads, and any other document must give what databind gives: the same value, or the same exception.
 */
class ManifestJsonTest {
    private static final String DISK = "{\"name\":\"vda\",\"index\":\"points/x/vda.index\",\"size\":4294967296,"
            + "\"chunkSize\":524288,\"indexChecksum\":\"ab\",\"dataChunks\":8192,\"newChunks\":3,\"newStoredBytes\":"
            + "1048576,\"readBytes\":2097152,\"source\":\"/var/lib/vda.qcow2\",\"sourceFormat\":\"qcow2\"}";
    private static final String HEAD = "{\"format\":\"coffer-point\",\"version\":3,\"id\":\"20261206-122110-29e782d3\","
            + "\"name\":\"web\",\"createdAt\":\"2026-12-06T12:21:10.123456Z\",\"consistency\":\"CRASH\",";

    static PointManifest manifest() {
        ObjectNode facts = Json.MAPPER.createObjectNode().put("version", 3).put("domainXml", "<domain>é</domain>");
        facts.putObject("instance").put("uuid", "0b7f6a52").put("uri", "qemu:///system").put("state", "running");
        facts.putObject("disks").putObject("vda").put("mode", "incremental").put("format", "qcow2");
        facts.putObject("group").put("pauseMillis", 5L).putArray("members").add("a").add("b");
        return new PointManifest(PointManifest.FORMAT, PointManifest.VERSION, "20261206-122110-29e782d3", "web",
                Instant.parse("2026-12-06T12:21:10.123456789Z"), "FILESYSTEM", "20261206-120000-00000000",
                List.of(new PointManifest.Disk("vda", "points/x/vda.index", 4L << 30, 512 * 1024, "ab\"\\c", 8192,
                                3, 1 << 20, 2 << 20, "/var/lib/vda.qcow2", "qcow2"),
                        new PointManifest.Disk("vdb", "points/x/vdb.index", 1L << 30, 512 * 1024, "cd", 0, 0, 0, 0,
                                null, "raw")),
                List.of(new PointManifest.SkippedDisk("sda", "a CD-ROM")), Map.of("disk.vda.mode", "full", "k", "v"),
                Instant.parse("2027-01-01T00:00:00Z"), facts);
    }

    @Test
    void aManifestAsWrittenReadsWithoutDatabindToWhatDatabindReads() throws Exception {
        for (PointManifest written : List.of(manifest(), new PointManifest(PointManifest.FORMAT, 1, "20261206-122110-29e782d3",
                "img", Instant.parse("2026-12-06T12:21:10Z"), "CRASH", null, List.of(), null, null, null, null))) {
            byte[] body = Json.MAPPER.writeValueAsBytes(written);
            PointManifest streamed = CanonicalJson.tryRead(body, ManifestJson::fromTree);
            assertNotNull(streamed, "the form Coffer writes is read without databind");
            assertEquals(Json.MAPPER.readValue(body, PointManifest.class), streamed);
            assertEquals(written, streamed);
            assertEquals(written.facts(), streamed.facts());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            HEAD + "\"disks\":[" + DISK + "]}",
            HEAD + "\"disks\":[" + DISK + "],\"unknown\":{\"x\":[1,2.5,\"y\"]},\"later\":null}",
            HEAD + "\"disks\":[" + DISK + "]} trailing garbage",
            HEAD + "\"disks\":[" + DISK + "],\"facts\":{}}",
            HEAD + "\"disks\":[" + DISK + "],\"facts\":null}",
            HEAD + "\"disks\":[" + DISK + "],\"facts\":[1]}",
            HEAD + "\"disks\":[" + DISK + "],\"facts\":{\"version\":3,\"n\":1.5,\"big\":12345678901234567890}}",
            HEAD + "\"disks\":[" + DISK + "],\"attributes\":{\"a\":null}}",
            HEAD + "\"disks\":[" + DISK + "],\"attributes\":{\"a\":1}}",
            HEAD + "\"disks\":[" + DISK + "],\"attributes\":null,\"skipped\":null}",
            HEAD + "\"disks\":[" + DISK + "],\"skipped\":[null]}",
            HEAD + "\"disks\":[null]}",
            HEAD + "\"disks\":null}",
            HEAD + "\"disks\":{}}",
            HEAD + "\"skipped\":[]}",
            HEAD + "\"disks\":[],\"id\":\"again\"}",
            HEAD + "\"disks\":[],\"version\":\"3\"}",
            HEAD + "\"disks\":[],\"version\":3.0}",
            HEAD + "\"disks\":[],\"version\":null}",
            HEAD + "\"disks\":[],\"version\":99999999999}",
            HEAD + "\"disks\":[],\"name\":7}",
            HEAD + "\"disks\":[],\"name\":true}",
            HEAD + "\"disks\":[],\"name\":[]}",
            HEAD + "\"disks\":[],\"immutableUntil\":\"2027-01-01T01:00:00+01:00\"}",
            HEAD + "\"disks\":[],\"immutableUntil\":1798761600}",
            HEAD + "\"disks\":[],\"immutableUntil\":\"1798761600\"}",
            HEAD + "\"disks\":[],\"immutableUntil\":\"not a time\"}",
            HEAD + "\"disks\":[],\"immutableUntil\":null}",
            HEAD + "\"disks\":[{\"size\":\"12\"}]}",
            HEAD + "\"disks\":[{\"size\":1.0}]}",
            HEAD + "\"disks\":[{\"chunkSize\":4294967296}]}",
            HEAD + "\"disks\":[{\"name\":\"vda\",\"name\":\"vdb\"}]}",
            HEAD + "\"disks\":[],",
            "{\"format\":\"coffer-point\"}", "[]", "\"a manifest\"", "", "null", "{", "{\"disks\":[]",
            "{\"format\":\"coffer-point\",\"version\":3,\"disks\":[],\"facts\":{\"version\":\"x\"}}"})
    void anyOtherManifestReadsAsDatabindReadsIt(String text) throws Exception {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        SameOutcome.assertSameOutcome(() -> Json.MAPPER.readValue(body, PointManifest.class), () -> ManifestJson.read(body), text);
    }

    @Test
    void theCanonicalReaderTakesTheCanonicalFormsOfTheseCases() {
        // the cases above that the canonical reader takes itself (so the comparison above covers both readers)
        assertNotNull(CanonicalJson.tryRead((HEAD + "\"disks\":[" + DISK + "],\"unknown\":{\"x\":[1,\"y\"]}}")
                .getBytes(StandardCharsets.UTF_8), ManifestJson::fromTree));
        assertNotNull(CanonicalJson.tryRead((HEAD + "\"disks\":[" + DISK + "],\"facts\":{}}")
                .getBytes(StandardCharsets.UTF_8), ManifestJson::fromTree));
        assertNull(CanonicalJson.tryRead((HEAD + "\"disks\":null}").getBytes(StandardCharsets.UTF_8),
                ManifestJson::fromTree), "left to databind, which refuses it");
    }
}

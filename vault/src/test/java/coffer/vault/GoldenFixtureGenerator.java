package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.TestData;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.Compression;
import coffer.vault.format.Json;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import coffer.vault.io.Progress;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the golden fixture vaults under {@code src/test/resources/fixtures} (read by {@link GoldenVaultTest}).
 * Run once per format version, never in a normal build; the name does not match the surefire includes and
 * the test is disabled without the property:
 * <pre>
 *   ./mvnw -pl vault test -Dtest=GoldenFixtureGenerator -Dcoffer.fixtures.generate=true
 * </pre>
 * Regenerating replaces every fixture (new vault ids, point ids and nonces), so do it only when adding a
 * format version, and keep the old fixtures beside the new ones then: {@code -Dcoffer.fixtures.generate=patched}
 * (re)writes only the {@code patched} vault (fixed index version 2, chunk patches) and its entry in
 * {@code fixtures.json}, leaving the version 1 fixtures as they were.
 */
class GoldenFixtureGenerator {
    static final int CHUNK = 256 * 1024;
    static final String NAME = "fixture-vm";
    static final int DISK_SIZE = 4 * CHUNK + 4096 + 123;

    /** Chunk 0 text, chunk 1 zeros, chunk 2 repeats chunk 0, chunk 3 text with random bytes, a short text tail. */
    static byte[] disk1() {
        return new DiskImage(DISK_SIZE, 2026).text(0, CHUNK).copy(0, 2L * CHUNK, CHUNK).text(3L * CHUNK, CHUNK)
                .random(3L * CHUNK + 50_000, 16_384).text(4L * CHUNK, 4096 + 123).bytes();
    }

    /** Disk 1 with a rewritten range in chunk 3 and a changed tail. */
    static byte[] disk2() {
        return DiskImage.from(disk1(), 2027).text(3L * CHUNK + 100_000, 4096).random(4L * CHUNK + 10, 100).bytes();
    }

    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "true")
    void generate() throws IOException {
        Path fixtures = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/fixtures");
        deleteTree(fixtures);
        Files.createDirectories(fixtures);
        byte[] disk1 = disk1();
        byte[] disk2 = disk2();

        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("chunkSize", CHUNK);
        ObjectNode vaults = json.putObject("vaults");
        ArrayNode plainPoints = writeVault(fixtures.resolve("plain"), null, disk1, disk2);
        vaults.putObject("plain").put("encrypted", false).set("points", plainPoints);
        LocalKeyRing ring = new LocalKeyRing(fixtures.resolve("encrypted-keyring.json"));
        ArrayNode encryptedPoints = writeVault(fixtures.resolve("encrypted"), ring, disk1, disk2);
        vaults.putObject("encrypted").put("encrypted", true).put("keyRing", "encrypted-keyring.json")
                .set("points", encryptedPoints);

        ObjectNode damaged = json.putObject("damaged");
        damaged.set("damaged-chunk", damageChunk(fixtures, plainPoints));
        damaged.set("truncated-index", truncateIndex(fixtures, plainPoints));
        damaged.set("future-config", futureConfig(fixtures));

        vaults.putObject("patched").put("encrypted", false).set("points", writePatchedVault(fixtures.resolve("patched")));
        vaults.putObject("immutable").put("encrypted", false).set("points", writeImmutableVault(fixtures.resolve("immutable")));
        vaults.putObject("instance-facts").put("encrypted", false)
                .set("points", writeInstanceFactsVault(fixtures.resolve("instance-facts")));

        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(fixtures.resolve("fixtures.json").toFile(), json);
        removeEmptyDirectories(fixtures); // e.g. locks/: git keeps no empty directory, so neither do the fixtures
    }

    /** Only the {@code patched} vault, added beside the version 1 fixtures. */
    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "patched")
    void generatePatched() throws IOException {
        regenerateOne("patched", GoldenFixtureGenerator::writePatchedVault);
    }

    /** How one unencrypted fixture vault is written into its directory; returns its points for fixtures.json. */
    @FunctionalInterface
    private interface VaultWriter {
        ArrayNode write(Path dir) throws IOException;
    }

    /** (Re)writes the unencrypted fixture vault {@code name} and its entry in fixtures.json, leaving the others. */
    private static void regenerateOne(String name, VaultWriter writer) throws IOException {
        Path fixtures = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/fixtures");
        deleteTree(fixtures.resolve(name));
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(fixtures.resolve("fixtures.json").toFile());
        ((ObjectNode) json.get("vaults")).putObject(name).put("encrypted", false).set("points", writer.write(fixtures.resolve(name)));
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(fixtures.resolve("fixtures.json").toFile(), json);
        removeEmptyDirectories(fixtures);
    }

    /**
     * Only the {@code damaged-points} vault (unfinished-point marker version 1), added beside the other fixtures:
     * {@code -Dcoffer.fixtures.generate=damaged-points}.
     */
    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "damaged-points")
    void generateDamagedPoints() throws IOException {
        Path fixtures = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/fixtures");
        deleteTree(fixtures.resolve("damaged-points"));
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(fixtures.resolve("fixtures.json").toFile());
        ((ObjectNode) json.get("damaged")).set("damaged-points",
                damagePoints(fixtures, (ArrayNode) json.get("vaults").get("plain").get("points")));
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(fixtures.resolve("fixtures.json").toFile(), json);
        removeEmptyDirectories(fixtures);
    }

    /**
     * A copy of the plain vault whose first point's manifest is truncated (a damaged point), whose second point's
     * manifest is gone (a lost point: its index is left), and which holds an unfinished point: a marker (written
     * by a delete) beside a copy of the second point's index under a new id.
     */
    private static ObjectNode damagePoints(Path fixtures, ArrayNode points) throws IOException {
        Path dir = fixtures.resolve("damaged-points");
        copyTree(fixtures.resolve("plain"), dir);
        String first = points.get(0).get("id").asText();
        String second = points.get(1).get("id").asText();
        Path manifest = dir.resolve(Vault.manifestName(first));
        byte[] bytes = Files.readAllBytes(manifest);
        Files.write(manifest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.delete(dir.resolve(Vault.manifestName(second)));
        String unfinished = "20260103-000000-0000f00d";
        try (Vault vault = Vault.open(new LocalDirectoryBackend(dir), null)) {
            new UnfinishedMarker(UnfinishedMarker.FORMAT, UnfinishedMarker.VERSION, "delete", "fixture-host", 4242,
                    Instant.parse("2026-01-03T00:00:00Z")).put(vault, unfinished);
        }
        Path index = dir.resolve(Vault.POINTS + unfinished + "/disk-0.fidx");
        Files.copy(dir.resolve(points.get(1).get("disks").get(0).get("index").asText()), index);
        return Json.MAPPER.createObjectNode().put("copyOf", "plain").put("unreadable", first).put("lost", second)
                .put("unfinished", unfinished);
    }

    /**
     * Only the {@code instance-facts} vault: the facts of an instance point recorded as manifest versions 1 and 2
     * wrote them (the string map of keys such as {@code disk.vda.mode}) and as version 3 writes them (the typed
     * {@code facts} object): the same facts, so a reader proves it reads both alike.
     */
    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "instance-facts")
    void generateInstanceFacts() throws IOException {
        regenerateOne("instance-facts", GoldenFixtureGenerator::writeInstanceFactsVault);
    }

    /** What Coffer 0.1 wrote for an application-consistent, incremental point of a plan's run, kept 7 days. */
    static final Map<String, String> VERSION_1_ATTRIBUTES = Map.ofEntries(
            Map.entry("instance.uuid", "6f1c2a9e-0b7d-4c55-9a51-3c2f4d8e9b10"), Map.entry("instance.uri", "qemu:///system"),
            Map.entry("instance.state", "running"), Map.entry("domain.xml", "<domain type='kvm'><name>fixture-vm</name></domain>"),
            Map.entry("checkpoint", "coffer-fixture"), Map.entry("disk.vda.mode", "full"),
            Map.entry("disk.vda.reason", "no previous point of this instance"), Map.entry("disk.vda.format", "qcow2"),
            Map.entry("consistency", "FILESYSTEM"), Map.entry("consistency.reason", "no /tmp/prescript.sh in the guest"),
            Map.entry("consistency.freezeMillis", "169"), Map.entry("expires", "2026-12-08T00:00:00Z"),
            Map.entry("plan.id", "plan-1a2b3c4d"), Map.entry("policy.id", "pol-5e6f7a8b"), Map.entry("policy.immutable", "true"));

    /** The same facts as manifest version 3 records them (docs/format/manifest.md). */
    static ObjectNode version3Facts() throws IOException {
        return (ObjectNode) Json.MAPPER.readTree("""
                {"version": 1,
                 "instance": {"uuid": "6f1c2a9e-0b7d-4c55-9a51-3c2f4d8e9b10", "uri": "qemu:///system", "state": "running"},
                 "domainXml": "<domain type='kvm'><name>fixture-vm</name></domain>",
                 "checkpoint": "coffer-fixture",
                 "disks": {"vda": {"mode": "full", "reason": "no previous point of this instance", "format": "qcow2"}},
                 "consistency": {"reason": "no /tmp/prescript.sh in the guest", "freezeMillis": 169},
                 "expires": "2026-12-08T00:00:00Z",
                 "plan": {"id": "plan-1a2b3c4d", "policy": "pol-5e6f7a8b", "immutable": true}}
                """);
    }

    private static ArrayNode writeInstanceFactsVault(Path dir) throws IOException {
        ArrayNode points = Json.MAPPER.createArrayNode();
        try (Vault vault = Vault.create(new LocalDirectoryBackend(dir), CHUNK, null)) {
            PointManifest first;
            try (PointWriter writer = PointWriter.begin(vault, NAME, Instant.parse("2026-12-01T00:00:00Z"), 1)) {
                writer.writeDisk("vda", ByteArrayBlockSource.of(disk1()), "qcow2", null, Progress.NONE);
                first = writer.commit("FILESYSTEM", null, List.of(), null);
            }
            PointManifest version1 = rewriteManifest(vault, new PointManifest(PointManifest.FORMAT, 1, first.id(),
                    first.name(), first.createdAt(), first.consistency(), null, first.disks(), first.skipped(),
                    VERSION_1_ATTRIBUTES, null, null));
            PointManifest second;
            try (PointWriter writer = PointWriter.begin(vault, NAME, Instant.parse("2026-12-02T00:00:00Z"), 1)) {
                writer.writeDisk("vda", ByteArrayBlockSource.of(disk1()), "qcow2", null, Progress.NONE);
                second = writer.commit("FILESYSTEM", null, List.of(), version3Facts());
            }
            describe(points, version1, disk1());
            describe(points, second, disk1());
        }
        return points;
    }

    /** Only the {@code immutable} vault (manifest version 2, hold version 1), added beside the older fixtures. */
    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "immutable")
    void generateImmutable() throws IOException {
        regenerateOne("immutable", GoldenFixtureGenerator::writeImmutableVault);
    }

    /**
     * Only the {@code replica} vault: an encrypted vault with its own key ring holding the replicas of the checked-in
     * {@code patched} vault's two points (replica facts version 1 in their attributes; the second replica keeps its
     * two patches, re-based onto the first replica's chunks). Needs the {@code patched} fixture.
     */
    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "replica")
    void generateReplica() throws IOException {
        Path fixtures = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/fixtures");
        deleteTree(fixtures.resolve("replica"));
        Files.deleteIfExists(fixtures.resolve("replica-keyring.json"));
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(fixtures.resolve("fixtures.json").toFile());
        ArrayNode points = Json.MAPPER.createArrayNode();
        try (Vault source = Vault.open(new LocalDirectoryBackend(fixtures.resolve("patched")), null);
             Vault replicas = Vault.create(new LocalDirectoryBackend(fixtures.resolve("replica")), CHUNK,
                     new LocalKeyRing(fixtures.resolve("replica-keyring.json")))) {
            byte[][] disks = {disk1(), disk2()};
            int i = 0;
            for (PointManifest point : source.points()) {
                Map<String, String> attributes = new java.util.HashMap<>(point.attributes());
                attributes.putAll(Map.of("replica.version", "1", "replica.region", "local", "replica.vault", "patched",
                        "replica.vaultId", source.config().vaultId(), "replica.point", point.id()));
                PointManifest copied = new coffer.vault.replicate.PointReplicator(source, replicas, 1).replicate(
                        new coffer.vault.replicate.PointReplicator.Request(point.id(), null, null), Progress.NONE)
                        .replica();
                // as replication wrote replicas before manifest version 3: version 1, the facts as attributes
                PointManifest replica = rewriteManifest(replicas, new PointManifest(PointManifest.FORMAT, 1, copied.id(),
                        copied.name(), copied.createdAt(), copied.consistency(), copied.parent(), copied.disks(),
                        copied.skipped(), attributes, null, null));
                describe(points, replica, disks[i++]);
                ((ObjectNode) points.get(points.size() - 1)).put("replicaOf", point.id());
            }
        }
        ((ObjectNode) json.get("vaults")).putObject("replica").put("encrypted", true)
                .put("keyRing", "replica-keyring.json").set("points", points);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(fixtures.resolve("fixtures.json").toFile(), json);
        removeEmptyDirectories(fixtures);
    }

    /**
     * Only the {@code lz4} vault (config version 2, LZ4 objects: envelope flag bit 2): an encrypted vault with its own
     * key ring holding the two points of {@code plain/}, the second deduplicated against the first.
     */
    @Test
    @EnabledIfSystemProperty(named = "coffer.fixtures.generate", matches = "lz4")
    void generateLz4() throws IOException {
        Path fixtures = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/fixtures");
        deleteTree(fixtures.resolve("lz4"));
        Files.deleteIfExists(fixtures.resolve("lz4-keyring.json"));
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(fixtures.resolve("fixtures.json").toFile());
        ArrayNode points = writeVault(fixtures.resolve("lz4"), Compression.LZ4,
                new LocalKeyRing(fixtures.resolve("lz4-keyring.json")), disk1(), disk2());
        ((ObjectNode) json.get("vaults")).putObject("lz4").put("encrypted", true).put("keyRing", "lz4-keyring.json")
                .set("points", points);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(fixtures.resolve("fixtures.json").toFile(), json);
        removeEmptyDirectories(fixtures);
    }

    /** When the first point of the immutable vault was held until: already past when the fixture was written. */
    static final Instant IMMUTABLE_PAST = Instant.parse("2026-01-03T00:00:00Z");

    /**
     * An unencrypted vault with disk 1 as a point immutable until {@link #IMMUTABLE_PAST} (manifest version 2, a hold
     * object), then disk 2 as a point immutable until 2026-02-01 whose hold extends it for ever.
     */
    private static ArrayNode writeImmutableVault(Path dir) throws IOException {
        ArrayNode points = Json.MAPPER.createArrayNode();
        try (Vault vault = Vault.create(new LocalDirectoryBackend(dir), CHUNK, null)) {
            PointManifest first = writeImmutablePoint(vault, Instant.parse("2026-01-01T00:00:00Z"), disk1(), null,
                    IMMUTABLE_PAST);
            PointManifest second = writeImmutablePoint(vault, Instant.parse("2026-01-02T00:00:00Z"), disk2(), first,
                    Instant.parse("2026-02-01T00:00:00Z"));
            vault.holdUntil(second.id(), Vault.FOREVER);
            describe(points, first, disk1());
            describe(points, second, disk2());
            ((ObjectNode) points.get(0)).put("immutableUntil", IMMUTABLE_PAST.toString());
            ((ObjectNode) points.get(1)).put("immutableUntil", Vault.FOREVER.toString());
        }
        return points;
    }

    private static PointManifest writeImmutablePoint(Vault vault, Instant at, byte[] disk, PointManifest parent,
                                                     Instant until) throws IOException {
        DiskBase base = parent == null ? null : DiskBase.dedupAgainst(parent.id(), vault.readIndex(parent, parent.disk("vda")));
        try (PointWriter writer = PointWriter.begin(vault, NAME, at, 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", base, Progress.NONE);
            writer.immutableUntil(until);
            PointManifest point = writer.commit("CRASH", parent == null ? null : parent.id(), List.of(), null);
            // as manifest version 2 wrote it: immutableUntil, and the upper layers' facts as attributes
            return rewriteManifest(vault, new PointManifest(PointManifest.FORMAT, 2, point.id(), point.name(),
                    point.createdAt(), point.consistency(), point.parent(), point.disks(), point.skipped(),
                    Map.of("fixture", "golden"), until, null));
        }
    }

    /** Replaces the manifest of {@code older}'s point with {@code older}: what an older version wrote. */
    private static PointManifest rewriteManifest(Vault vault, PointManifest older) throws IOException {
        byte[] body = Json.MAPPER.writeValueAsBytes(older);
        String name = Vault.manifestName(older.id());
        vault.backend().delete(name);
        vault.backend().put(name, vault.codec().seal(ObjectKind.MANIFEST, name, body, body.length, false));
        return older;
    }

    /** The ranges disk 2 changes: told to the second point of the patched vault as a dirty bitmap would. */
    static final List<coffer.vault.io.Extent> CHANGED = List.of(new coffer.vault.io.Extent(3L * CHUNK + 100_000, 4096),
            new coffer.vault.io.Extent(4L * CHUNK + 10, 100));

    /**
     * An unencrypted vault with disk 1, then disk 2 as an incremental told the changed ranges: chunks 3 and 4
     * become chunk patches, so its second index is version 2.
     */
    private static ArrayNode writePatchedVault(Path dir) throws IOException {
        ArrayNode points = Json.MAPPER.createArrayNode();
        try (Vault vault = Vault.create(new LocalDirectoryBackend(dir), CHUNK, null)) {
            PointManifest first = writePoint(vault, Instant.parse("2026-11-21T00:00:00Z"), disk1(), null);
            PointManifest second = writePoint(vault, Instant.parse("2026-11-22T00:00:00Z"), disk2(),
                    new DiskBase(first.id(), vault.readIndex(first, first.disk("vda")), CHANGED), first);
            if (vault.readIndex(second, second.disk("vda")).patchCount() != 2) {
                throw new IllegalStateException("the patched fixture must hold two chunk patches");
            }
            describe(points, first, disk1());
            describe(points, second, disk2());
        }
        return points;
    }

    private static void describe(ArrayNode points, PointManifest point, byte[] disk) throws IOException {
        ObjectNode p = points.addObject().put("id", point.id()).put("name", point.name())
                .put("createdAt", point.createdAt().toString());
        if (point.parent() != null) {
            p.put("parent", point.parent());
        }
        p.putArray("disks").addObject().put("name", "vda").put("size", disk.length)
                .put("index", point.disk("vda").index()).put("sha256", TestData.sha256(disk));
    }

    private static void removeEmptyDirectories(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isDirectory(path) && !path.equals(dir)) {
                    try (Stream<Path> entries = Files.list(path)) {
                        if (entries.findAny().isEmpty()) {
                            Files.delete(path);
                        }
                    }
                }
            }
        }
    }

    private static ArrayNode writeVault(Path dir, KeyService keys, byte[] disk1, byte[] disk2) throws IOException {
        return writeVault(dir, Compression.ZSTD, keys, disk1, disk2);
    }

    private static ArrayNode writeVault(Path dir, Compression codec, KeyService keys, byte[] disk1, byte[] disk2)
            throws IOException {
        ArrayNode points = Json.MAPPER.createArrayNode();
        try (Vault vault = Vault.create(new LocalDirectoryBackend(dir), CHUNK, codec, 1, keys)) {
            PointManifest first = writePoint(vault, Instant.parse("2026-01-01T00:00:00Z"), disk1, null);
            PointManifest second = writePoint(vault, Instant.parse("2026-01-02T00:00:00Z"), disk2, first);
            describe(points, first, disk1);
            describe(points, second, disk2);
        }
        return points;
    }

    private static PointManifest writePoint(Vault vault, Instant at, byte[] disk, PointManifest parent) throws IOException {
        DiskBase base = parent == null ? null : DiskBase.dedupAgainst(parent.id(), vault.readIndex(parent, parent.disk("vda")));
        return writePoint(vault, at, disk, base, parent);
    }

    private static PointManifest writePoint(Vault vault, Instant at, byte[] disk, DiskBase base, PointManifest parent)
            throws IOException {
        try (PointWriter writer = PointWriter.begin(vault, NAME, at, 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", base, Progress.NONE);
            return writer.commit("CRASH", parent == null ? null : parent.id(), List.of(),
                    Json.MAPPER.createObjectNode().put("fixture", "golden"));
        }
    }

    /** A copy of the plain vault with one bit flipped in chunk 0, which both points use twice (chunk 2 repeats it). */
    private static ObjectNode damageChunk(Path fixtures, ArrayNode points) throws IOException {
        Path dir = fixtures.resolve("damaged-chunk");
        copyTree(fixtures.resolve("plain"), dir);
        String chunk;
        try (Vault vault = Vault.open(new LocalDirectoryBackend(dir), null)) {
            PointManifest first = vault.point(points.get(0).get("id").asText());
            chunk = vault.readIndex(first, first.disk("vda")).get(0).objectName();
        }
        Path file = dir.resolve(chunk);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        ObjectNode node = Json.MAPPER.createObjectNode().put("copyOf", "plain").put("object", chunk);
        ArrayNode damage = node.putArray("damage");
        for (var point : points) {
            for (long offset : new long[]{0, 2L * CHUNK}) {
                damage.addObject().put("point", point.get("id").asText()).put("disk", "vda").put("offset", offset)
                        .put("length", CHUNK);
            }
        }
        return node;
    }

    /** A copy of the plain vault whose second point's index lost its last 50 bytes. */
    private static ObjectNode truncateIndex(Path fixtures, ArrayNode points) throws IOException {
        Path dir = fixtures.resolve("truncated-index");
        copyTree(fixtures.resolve("plain"), dir);
        var second = points.get(1);
        String index = second.get("disks").get(0).get("index").asText();
        Path file = dir.resolve(index);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 50));
        return Json.MAPPER.createObjectNode().put("copyOf", "plain").put("object", index)
                .put("point", second.get("id").asText()).put("intactPoint", points.get(0).get("id").asText());
    }

    /** Just the config object of the plain vault, claiming config version 99. */
    private static ObjectNode futureConfig(Path fixtures) throws IOException {
        ObjectCodec codec = new ObjectCodec(null, 1);
        byte[] body = codec.open(ObjectKind.CONFIG, Vault.CONFIG,
                ByteBuffer.wrap(Files.readAllBytes(fixtures.resolve("plain").resolve(Vault.CONFIG))));
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(body);
        config.put("version", 99);
        byte[] changed = Json.MAPPER.writeValueAsBytes(config);
        ByteBuffer sealed = codec.seal(ObjectKind.CONFIG, Vault.CONFIG, changed, changed.length, false);
        byte[] out = new byte[sealed.remaining()];
        sealed.get(out);
        Path dir = fixtures.resolve("future-config");
        Files.createDirectories(dir);
        Files.write(dir.resolve(Vault.CONFIG), out);
        return Json.MAPPER.createObjectNode().put("configVersion", 99);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

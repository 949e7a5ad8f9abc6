package coffer.cli;

import coffer.engine.json.CofferJson;
import coffer.engine.vault.VaultOpener;
import coffer.testing.TestData;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.ObjectCodec;
import com.fasterxml.jackson.databind.JsonNode;
import coffer.vault.format.ObjectKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and damaged vaults give their stable code, exit status and a message naming the problem; nothing is written. */
class CliErrorsTest extends WithCliVault {
    Path disk;

    @BeforeEach
    void writeDisk() throws Exception {
        disk = dir.resolve("disk.raw");
        RawDisks.writeData(disk, 2L << 20, 0, 2L << 20, 1);
    }

    @Test
    void missingSourceFileFailsWithSourceNotFoundAndWritesNothing() throws Exception {
        CliRun run = CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "x", disk.toString(),
                dir.resolve("nope.raw").toString()).fails(4, "SourceNotFound");
        assertTrue(run.err().contains("nope.raw"), run.err());
        assertEquals(0, countFiles(vault.resolve("chunks")), "no chunk written");
        assertFalse(Files.exists(vault.resolve("points")) && countFiles(vault.resolve("points")) > 0, "no point written");
    }

    @Test
    void freezeAndWriterOptionsNeedAppConsistent() {
        CliRun run = CliRun.run(keyRing, "backup", "some-instance", "--vault", vault.toString(), "--no-freeze")
                .fails(2, "InvalidArgument");
        assertTrue(run.err().contains("--app-consistent"), run.err());
    }

    @Test
    void directoryAsSourceIsRefused() {
        CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "x", dir.toString())
                .fails(2, "InvalidArgument");
    }

    /** Offline, an operation of a server's catalog is refused naming the command as typed, not its record. */
    @Test
    void aCommandOfAServersCatalogAskedOfflineNamesItselfAsTyped() {
        for (List<String> command : List.of(List.of("point", "extend", "p", "--days", "3"),
                List.of("point", "retention", "p"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--vault", vault.toString()));
            CliRun run = CliRun.run(keyRing, args.toArray(String[]::new)).fails(2, "InvalidArgument");
            assertTrue(run.err().contains("this needs a server: `coffer " + command.get(0) + " " + command.get(1)
                    + "` works on a server's catalog; give the server with --url or COFFER_URL, and no --vault"), run.err());
        }
    }

    @Test
    void pathThatIsNotAVaultIsNamed() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliRun run = CliRun.run(keyRing, "point", "list", "--vault", empty.toString()).fails(4, "NotAVault");
        assertTrue(run.err().contains(empty.toString()));
        CliRun.run(keyRing, "point", "list", "--vault", disk.toString()).fails(4, "NotAVault");
        CliRun.run(keyRing, "point", "list", "--vault", dir.resolve("missing").toString()).fails(4, "NotAVault");
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void wrongOrMissingKeyRingIsKeyUnavailable() throws Exception {
        Path other = dir.resolve("other-keyring.json");
        CliRun.run(other, "vault", "init", dir.resolve("v2").toString()).ok();
        CliRun run = CliRun.run(other, "point", "list", "--vault", vault.toString()).fails(5, "KeyUnavailable");
        assertTrue(run.err().contains(other.toString()), run.err());
        CliRun.run(dir.resolve("absent.json"), "point", "list", "--vault", vault.toString()).fails(5, "KeyUnavailable");
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        CliRun run = CliRun.run(keyRing, "vault", "init", dir.resolve("v3").toString(), "--chunk-size", "300K")
                .fails(2, "InvalidArgument");
        assertTrue(run.err().contains("power of two"), run.err());
        assertFalse(Files.exists(dir.resolve("v3").resolve("config")));
        CliRun.run(keyRing, "vault", "init", vault.toString()).fails(2, "VaultExists");
        CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--bogus").fails(2, "InvalidArgument");
        CliRun.run(keyRing, "vault", "init", dir.resolve("v4").toString(), "--chunk-size", "lots").fails(2, "InvalidArgument");
        CliRun level = CliRun.run(keyRing, "vault", "init", dir.resolve("v5").toString(), "--compression-level", "20")
                .fails(2, "InvalidArgument");
        assertTrue(level.err().contains("compression level"), level.err());
        assertFalse(Files.exists(dir.resolve("v5").resolve("config")));
        CliRun chosen = CliRun.run(keyRing, "vault", "init", dir.resolve("v6").toString(), "--compression-level", "3",
                "--output", "json").ok();
        assertTrue(chosen.out().contains("\"compressionLevel\":3") || chosen.out().contains("\"compressionLevel\" : 3"),
                chosen.out());
        CliRun codec = CliRun.run(keyRing, "vault", "init", dir.resolve("v7").toString(), "--compression", "brotli")
                .fails(2, "InvalidArgument");
        assertTrue(codec.err().contains("brotli") && codec.err().contains("lz4"), codec.err());
        CliRun lz4Level = CliRun.run(keyRing, "vault", "init", dir.resolve("v8").toString(), "--compression", "lz4",
                "--compression-level", "3").fails(2, "InvalidArgument");
        assertTrue(lz4Level.err().contains("lz4"), lz4Level.err());
        assertFalse(Files.exists(dir.resolve("v8").resolve("config")));
    }

    @Test
    void restoreRefusesToOverwriteUnlessForced() throws Exception {
        String point = backup();
        Path target = Files.writeString(dir.resolve("target.raw"), "precious");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", target.toString())
                .fails(2, "TargetExists");
        assertEquals("precious", Files.readString(target));
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", target.toString(), "--force").ok();
        assertEquals(TestData.sha256(disk), TestData.sha256(target));
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), "20991231-000000-00000000", "--to",
                dir.resolve("t2").toString()).fails(4, "PointNotFound");
    }

    /** The object name of chunk {@code i} of the point's disk (read with the vault API, as a test's oracle). */
    private String chunkObject(String point, int i) throws Exception {
        try (Vault v = new VaultOpener(keyRing).open(vault)) {
            PointManifest p = v.point(point);
            return v.readIndex(p, p.disk("disk.raw")).get(i).objectName();
        }
    }

    @Test
    void flippedBitIsFoundByVerifyAndFailsRestoreNamingTheRange() throws Exception {
        Files.write(disk, coffer.testing.TestData.random(7, 2 << 20)); // every chunk distinct
        String point = backup();
        int place = 3;
        long from = place * 262144L;
        String object = chunkObject(point, place);
        Path chunk = vault.resolve(object);
        byte[] bytes = Files.readAllBytes(chunk);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(chunk, bytes);
        CliRun verify = CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString());
        assertEquals(3, verify.exit(), verify.out() + verify.err());
        List<String> damaged = verify.out().lines().filter(l -> l.startsWith("DAMAGED")).toList();
        assertEquals(1, damaged.size(), verify.out());
        assertTrue(damaged.getFirst().startsWith("DAMAGED point " + point + " disk disk.raw bytes " + from + "-"
                + (from + 262143) + " (" + object + "): "), "that 256 KiB chunk of the disk, and its object: " + verify.out());
        JsonNode verified = CofferJson.MAPPER.readTree(CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString(),
                "--output", "json").out());
        assertEquals(List.of("report", "clean", "quarantined", "seconds", "logicalMBps"), fieldNames(verified));
        assertFalse(verified.path("clean").asBoolean());
        assertEquals(0, verified.path("quarantined").asInt());
        JsonNode report = verified.path("report");
        assertEquals(1, report.path("damage").size(), report.toString());
        JsonNode where = report.path("damage").get(0);
        assertEquals(point, where.path("pointId").asText());
        assertEquals("disk.raw", where.path("disk").asText());
        assertEquals(from, where.path("offset").asLong());
        assertEquals(262144, where.path("length").asLong());
        assertEquals(object, where.path("object").asText());
        Path target = dir.resolve("out.raw");
        CliRun restore = CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", target.toString())
                .fails(3, "DataCorrupt");
        assertTrue(restore.err().contains("point " + point + " disk disk.raw bytes "), restore.err());
        assertFalse(Files.exists(target), "a failed restore leaves no partial file");
        Path existing = Files.writeString(dir.resolve("existing.raw"), "keep me");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", existing.toString(), "--force")
                .fails(3, "DataCorrupt");
        assertEquals("keep me", Files.readString(existing), "a failed forced restore leaves the old file as it was");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".coffer-restore")).toList(), "no temporary left");
        }
    }

    @Test
    void quarantinedChunksAreStoredAgainByTheNextBackupAndOldPointsHeal() throws Exception {
        Files.write(disk, coffer.testing.TestData.random(8, 2 << 20)); // every chunk distinct
        String point = backup();
        int place = 5;
        String object = chunkObject(point, place);
        Path chunk = vault.resolve(object);
        byte[] bytes = Files.readAllBytes(chunk);
        bytes[bytes.length / 3] ^= 0x01;
        Files.write(chunk, bytes);
        CliRun verify = CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString(), "--quarantine");
        assertEquals(3, verify.exit(), verify.out() + verify.err());
        assertTrue(verify.out().contains("DAMAGED point " + point + " disk disk.raw bytes " + place * 262144L + "-"
                + (place * 262144L + 262143) + " (" + object + "): "), verify.out());
        assertTrue(verify.out().contains("Moved 1 damaged chunk(s)"), verify.out());
        assertFalse(Files.exists(chunk));
        assertTrue(Files.exists(vault.resolve("damaged").resolve(vault.relativize(chunk))), "kept as evidence");
        backup(); // same data again: the quarantined chunk is stored anew
        CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString()).ok();
        Path target = dir.resolve("healed.raw");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", target.toString()).ok();
        assertEquals(TestData.sha256(disk), TestData.sha256(target), "the old point is whole again");
    }

    @Test
    void truncatedIndexIsDataCorrupt() throws Exception {
        String point = backup();
        Path index = vault.resolve("points").resolve(point).resolve("disk-0.fidx");
        byte[] bytes = Files.readAllBytes(index);
        Files.write(index, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        CliRun run = CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to",
                dir.resolve("o").toString()).fails(3, "DataCorrupt");
        assertTrue(run.err().contains("disk-0.fidx"), run.err());
    }

    @Test
    void unknownConfigVersionIsUnsupportedFormat() throws Exception {
        Path plain = dir.resolve("plain");
        CliRun.run(keyRing, "vault", "init", plain.toString(), "--no-encryption").ok();
        byte[] body = ("{\"format\":\"coffer-vault\",\"version\":99,\"vaultId\":\"x\",\"chunkSize\":524288,"
                + "\"digest\":\"sha256\",\"compression\":\"zstd\",\"compressionLevel\":1}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer sealed = new ObjectCodec(null, 1).seal(ObjectKind.CONFIG, "config", body, body.length, false);
        byte[] out = new byte[sealed.remaining()];
        sealed.get(out);
        Files.write(plain.resolve("config"), out);
        CliRun run = CliRun.run(keyRing, "point", "list", "--vault", plain.toString()).fails(6, "UnsupportedFormat");
        assertTrue(run.err().contains("version 99"), run.err());
    }

    @Test
    void jsonOutputCarriesTheCodeAndRemedy() {
        CliRun run = CliRun.run(keyRing, "point", "show", "--vault", vault.toString(), "nothing-like-this", "--output", "json");
        assertEquals(4, run.exit());
        assertTrue(run.out().contains("\"code\" : \"PointNotFound\""), run.out());
        assertTrue(run.out().contains("\"remedy\""), run.out());
    }

    @Test
    void pointListShowAndDelete() throws Exception {
        String point = backup();
        assertTrue(CliRun.run(keyRing, "point", "list", "--vault", vault.toString()).ok().out().contains(point));
        assertTrue(CliRun.run(keyRing, "point", "show", "--vault", vault.toString(), "x").ok().out().contains(point));
        CliRun.run(keyRing, "point", "delete", "--vault", vault.toString(), point).ok();
        assertFalse(CliRun.run(keyRing, "point", "list", "--vault", vault.toString()).ok().out().contains(point));
        CliRun.run(keyRing, "point", "delete", "--vault", vault.toString(), point).fails(4, "PointNotFound");
        CliRun gc = CliRun.run(keyRing, "vault", "gc", "--vault", vault.toString(), "--grace", "0s", "--output", "json").ok();
        assertTrue(gc.out().contains("\"sweptChunks\" : "), gc.out());
        assertEquals(0, countFiles(vault.resolve("chunks")));
        CliRun stats = CliRun.run(keyRing, "vault", "stats", "--vault", vault.toString()).ok();
        assertTrue(stats.out().contains("Points:            0"), stats.out());
        JsonNode measured = CofferJson.MAPPER.readTree(CliRun.run(keyRing, "vault", "stats", "--vault", vault.toString(),
                "--output", "json").ok().out());
        assertEquals(List.of("stats", "dedupRatio", "compressionRatio"), fieldNames(measured));
        assertEquals(0, measured.path("stats").path("points").asInt(), measured.toString());
    }

    @Test
    void vaultInitAnswersInJsonWithTheKeyOnlyWhenEncrypted() throws Exception {
        JsonNode encrypted = CofferJson.MAPPER.readTree(CliRun.run(keyRing, "vault", "init", dir.resolve("v-enc").toString(),
                "--output", "json").ok().out());
        assertEquals(List.of("path", "vaultId", "chunkSize", "compression", "compressionLevel", "encrypted", "keyring", "keyId"),
                fieldNames(encrypted));
        assertEquals(keyRing.toAbsolutePath().toString(), encrypted.path("keyring").asText());
        JsonNode plain = CofferJson.MAPPER.readTree(CliRun.run(keyRing, "vault", "init", dir.resolve("v-plain").toString(),
                "--no-encryption", "--output", "json").ok().out());
        assertEquals(List.of("path", "vaultId", "chunkSize", "compression", "compressionLevel", "encrypted"), fieldNames(plain));
        assertFalse(plain.path("encrypted").asBoolean());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private String backup() {
        CliRun run = CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "x", disk.toString()).ok();
        Matcher m = Pattern.compile("Point (\\S+) of").matcher(run.out());
        assertTrue(m.find(), run.out());
        return m.group(1);
    }

    private static long countFiles(Path root) throws Exception {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

}

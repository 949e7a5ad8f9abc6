package coffer.cli;

import coffer.engine.instance.PointFacts;
import coffer.engine.json.CofferJson;
import coffer.engine.vault.VaultOpener;
import coffer.testing.ByteArrayBlockSource;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line on a vault with a point damaged as a whole: the other points stay usable and the damaged one
 * is named where it is (the point and its manifest); and an offline delete refuses a point of an immutable policy.
 */
class DamagedPointCliTest extends WithCliVault {
    Path disk;

    @BeforeEach
    void writeDisk() throws Exception {
        disk = dir.resolve("disk.raw");
        RawDisks.writeData(disk, 2L << 20, 0, 2L << 20, 1);
    }

    private String backup(String name) {
        CliRun run = CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", name, disk.toString()).ok();
        Matcher m = Pattern.compile("Point (\\S+) of").matcher(run.out());
        assertTrue(m.find(), run.out());
        return m.group(1);
    }

    private Path manifest(String point) {
        return vault.resolve("points").resolve(point).resolve("manifest");
    }

    @Test
    void aTruncatedManifestIsNamedAndEveryOtherOperationWorks() throws Exception {
        String web = backup("web");
        String db = backup("db");
        byte[] bytes = Files.readAllBytes(manifest(db));
        Files.write(manifest(db), Arrays.copyOf(bytes, bytes.length / 2));

        CliRun list = CliRun.run(keyRing, "point", "list", "--vault", vault.toString()).ok();
        assertTrue(list.out().contains(web), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(db) && l.contains("DAMAGED: its manifest cannot be read")),
                list.out());

        CliRun verify = CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString());
        assertEquals(3, verify.exit(), verify.out() + verify.err());
        List<String> damaged = verify.out().lines().filter(l -> l.startsWith("DAMAGED")).toList();
        assertEquals(1, damaged.size(), verify.out());
        assertTrue(damaged.getFirst().startsWith("DAMAGED point " + db + " (points/" + db + "/manifest): manifest cannot be read"),
                verify.out());

        Path restored = dir.resolve("web.raw");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), web, "--to", restored.toString()).ok();
        assertEquals(-1, Files.mismatch(disk, restored), "another point restores bit-identical");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), db, "--to", dir.resolve("db.raw").toString())
                .fails(3, "DataCorrupt");
        backup("mail");
        CliRun gc = CliRun.run(keyRing, "vault", "gc", "--vault", vault.toString(), "--grace", "0s").ok();
        assertTrue(gc.out().contains("Kept 1 damaged or lost point(s)"), gc.out());

        CliRun.run(keyRing, "point", "delete", "--vault", vault.toString(), db).ok();
        CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString()).ok();
    }

    @Test
    void aPointWhoseManifestIsGoneIsReportedLost() throws Exception {
        backup("web");
        String lost = backup("web");
        Files.delete(manifest(lost));
        CliRun verify = CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString());
        assertEquals(3, verify.exit(), verify.out() + verify.err());
        assertTrue(verify.out().contains("DAMAGED point " + lost + " (points/" + lost + "/manifest): manifest is missing while"
                + " 1 object(s) of the point remain (points/" + lost + "/disk-0.fidx)"), verify.out());
        CliRun list = CliRun.run(keyRing, "point", "list", "--vault", vault.toString()).ok();
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(lost) && l.contains("LOST")), list.out());
        JsonNode json = CofferJson.MAPPER.readTree(CliRun.run(keyRing, "point", "list", "--vault", vault.toString(),
                "--output", "json").ok().out());
        assertEquals(1, json.path("count").asInt(), json.toString());
        assertEquals(1, json.path("damaged").size(), json.toString());
        assertEquals(lost, json.path("damaged").get(0).path("id").asText());
        assertEquals("lost", json.path("damaged").get(0).path("state").asText());

        CliRun.run(keyRing, "point", "delete", "--vault", vault.toString(), lost).ok();
        assertFalse(Files.exists(vault.resolve("points").resolve(lost)), "what remained of the lost point is gone");
        CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString()).ok();
        assertFalse(CliRun.run(keyRing, "point", "list", "--vault", vault.toString(), "--output", "json").ok().out()
                .contains("damaged"), "no damaged list when every point reads");
    }

    @Test
    void anOfflineDeleteRefusesAPointOfAnImmutablePolicy() throws Exception {
        String immutable;
        String ordinary;
        try (Vault v = new VaultOpener(keyRing).open(vault)) {
            immutable = point(v, new PointFacts.Plan("p-1", "daily", true));
            ordinary = point(v, new PointFacts.Plan("p-1", "daily", false));
        }
        CliRun refused = CliRun.run(keyRing, "point", "delete", "--vault", vault.toString(), immutable)
                .fails(1, "BackupPointImmutable");
        assertTrue(refused.err().contains(immutable) && refused.err().contains("daily"), refused.err());
        assertTrue(Files.exists(manifest(immutable)), "the immutable point is still there");
        CliRun.run(keyRing, "point", "delete", "--vault", vault.toString(), ordinary).ok();
        assertFalse(Files.exists(manifest(ordinary)));
    }

    private static String point(Vault vault, PointFacts.Plan plan) throws Exception {
        try (PointWriter writer = PointWriter.begin(vault, "web", Instant.now(), 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(new byte[4096]), "raw", null, Progress.NONE);
            PointManifest point = writer.commit("CRASH", null, List.of(), new PointFacts(PointFacts.VERSION, null, null,
                    null, null, null, null, plan, null).json());
            return point.id();
        }
    }
}

package coffer.cli;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.TestData;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer point list} pages (docs/cli.md): without {@code --limit} it fetches every page (more points than one
 * default page of 100), with {@code --limit} it shows one page and the cursor of the next, and following the cursors
 * gives every point once, newest first. Offline, on a vault; the server answers the same pages (ListPagesApiIT).
 */
class PointListPagesCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void pointListFetchesEveryPageUnlessALimitIsGivenAndTheCursorsWalkEveryPointOnce() throws Exception {
        Path vaultDir = dir.resolve("vault");
        Path keyRing = dir.resolve("keyring.json");
        CliRun.run(keyRing, "vault", "init", vaultDir.toString(), "--chunk-size", "256K", "--no-encryption").ok();
        int points = 101;
        try (Vault vault = Vault.open(new LocalDirectoryBackend(vaultDir), null)) {
            for (int i = 0; i < points; i++) {
                Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i / 2 * 60L); // two points a minute
                try (PointWriter writer = PointWriter.begin(vault, "img", at, 1)) {
                    writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(i, 4096)), "raw", null, Progress.NONE);
                    writer.commit("CRASH", null, List.of(), null);
                }
            }
        }
        String vaultArg = vaultDir.toString();
        JsonNode all = JSON.readTree(CliRun.run(keyRing, "point", "list", "--vault", vaultArg, "--output", "json").ok().out());
        assertEquals(points, all.path("count").asInt(), "every page fetched");
        assertTrue(all.path("nextCursor").isNull(), all.path("nextCursor").toString());

        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            List<String> args = new ArrayList<>(List.of("point", "list", "--vault", vaultArg, "--limit", "40", "--output", "json"));
            if (cursor != null) {
                args.addAll(List.of("--cursor", cursor));
            }
            JsonNode page = JSON.readTree(CliRun.run(keyRing, args.toArray(String[]::new)).ok().out());
            page.path("points").forEach(p -> walked.add(p.path("id").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(3, pages, "pages of 40, 40 and 21");
        Set<String> once = new HashSet<>(walked);
        assertEquals(points, once.size(), "every point once");
        List<String> newestFirst = new ArrayList<>();
        all.path("points").forEach(p -> newestFirst.add(p.path("id").asText()));
        assertEquals(newestFirst, walked, "the pages in the order of the whole list");

        String text = CliRun.run(keyRing, "point", "list", "--vault", vaultArg, "--limit", "5").ok().out();
        assertTrue(text.contains("More: the same command with --cursor "), text);
        CliRun.run(keyRing, "point", "list", "--vault", vaultArg, "--cursor", "not-a-cursor").fails(2, "InvalidArgument");
    }
}

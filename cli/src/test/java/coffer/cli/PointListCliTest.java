package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code point list}'s filters and page offline: newest first, {@code total} counting every match, bad values named. */
class PointListCliTest {
    @TempDir Path dir;

    @Test
    void pointsArePagedNewestFirstWithTheNumberThatMatched() throws Exception {
        Path keyRing = dir.resolve("keyring.json");
        Path vault = dir.resolve("vault");
        CliRun.run(keyRing, "vault", "init", vault.toString(), "--chunk-size", "256K").ok();
        Path disk = dir.resolve("disk.raw");
        for (int i = 0; i < 3; i++) {
            RawDisks.writeData(disk, 1L << 20, 0, 1L << 20, i + 1);
            CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "web", disk.toString()).ok();
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode all = json.readTree(CliRun.run(keyRing, "point", "list", "--vault", vault.toString(), "--output", "json").ok().out());
        assertEquals(3, all.path("total").asInt(), all.toString());
        JsonNode page = json.readTree(CliRun.run(keyRing, "point", "list", "--vault", vault.toString(), "--limit", "1",
                "--offset", "1", "--output", "json").ok().out());
        assertEquals(1, page.path("count").asInt(), page.toString());
        assertEquals(3, page.path("total").asInt(), page.toString());
        assertEquals(all.path("points").get(1).path("id"), page.path("points").get(0).path("id"), "the second newest");
        String since = all.path("points").get(0).path("createdAt").asText();
        JsonNode newest = json.readTree(CliRun.run(keyRing, "point", "list", "--vault", vault.toString(), "--since", since,
                "--output", "json").ok().out());
        assertEquals(1, newest.path("total").asInt(), newest.toString());

        CliRun bad = CliRun.run(keyRing, "point", "list", "--vault", vault.toString(), "--limit", "0", "--consistency", "crash")
                .fails(2, "InvalidArgument");
        assertTrue(bad.err().contains("limit: a whole number from 1 to 1000, got '0'") && bad.err().contains("consistency:"),
                bad.err());
    }
}

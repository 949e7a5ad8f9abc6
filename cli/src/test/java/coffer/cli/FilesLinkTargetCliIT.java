package coffer.cli;

import coffer.testing.DiskWithFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer files ls} shows a symbolic link's target escaped exactly as names are (docs/cli.md, "Files of a
 * point"), offline on a vault of a real ext4 disk: a target that is not UTF-8 (the Latin-1 {@code café}, byte 0xE9)
 * is {@code caf\xe9}, the UTF-8 text {@code caf\xe9} (a backslash) is {@code caf\\xe9}, a target holding a newline is
 * one line; with {@code --output json} the target is given as a name is, {@code linkTargetEscaped} saying which form.
 * Before, the target was read as text: the byte 0xE9 became U+FFFD (checked: this test failed so). One appliance boot
 * for each listing.
 */
class FilesLinkTargetCliIT {
    @TempDir Path dir;

    @Test
    void linkTargetsAreListedByteForByte() throws Exception {
        FilesVault web = FilesVault.init(dir);
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("plain.txt"), "plain");
        DiskWithFiles.shell("cd \"$1\" && ln -s \"$(printf 'caf\\351')\" latin && ln -s 'caf\\xe9' spelt"
                + " && ln -s plain.txt plain && ln -s \"$(printf 'two\\nlines')\" broken", tree);
        web.backUp(tree, Files.createDirectories(dir.resolve("img")).resolve("vda"));
        String point = new ObjectMapper().readTree(CliRun.run(web.keyRing(), "point", "list", "--vault",
                web.vault().toString(), "--output", "json").ok().out()).path("points").get(0).path("id").asText();

        String text = CliRun.run(web.keyRing(), "files", "ls", point, "vda", "/", "--vault", web.vault().toString())
                .ok().out();
        Map<String, String> shown = new HashMap<>();
        for (String line : text.lines().toList()) {
            int arrow = line.indexOf(" -> ");
            if (arrow > 0) {
                String left = line.substring(0, arrow);
                shown.put(left.substring(left.lastIndexOf(' ') + 1), line.substring(arrow + 4));
            }
        }
        assertEquals(Map.of("latin", "caf\\xe9", "spelt", "caf\\\\xe9", "plain", "plain.txt", "broken", "two\\nlines"),
                shown, text);
        assertFalse(text.contains("\uFFFD"), text);

        JsonNode files = new ObjectMapper().readTree(CliRun.run(web.keyRing(), "files", "ls", point, "vda", "/",
                "--vault", web.vault().toString(), "--output", "json").ok().out()).path("files");
        Map<String, JsonNode> byName = new HashMap<>();
        files.forEach(f -> byName.put(f.path("name").asText(), f));
        for (String name : List.of("latin", "spelt", "plain", "broken")) {
            assertTrue(byName.containsKey(name), files.toString());
        }
        assertEquals("caf\\xe9", byName.get("latin").path("linkTarget").asText());
        assertTrue(byName.get("latin").path("linkTargetEscaped").asBoolean(), "not UTF-8: escaped");
        assertEquals("caf\\xe9", byName.get("spelt").path("linkTarget").asText(), "UTF-8: as it is");
        assertFalse(byName.get("spelt").path("linkTargetEscaped").asBoolean());
        assertEquals("two\nlines", byName.get("broken").path("linkTarget").asText());
        assertFalse(byName.get("broken").path("linkTargetEscaped").asBoolean());
    }
}

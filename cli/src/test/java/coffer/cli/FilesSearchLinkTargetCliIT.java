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
 * {@code coffer files search} reports a symbolic link's target as {@code files ls} does (docs/cli.md, "Files of a
 * point"; {@code FilesLinkTargetCliIT} for the listing), offline on a vault of a real ext4 disk: in text a target that
 * is not UTF-8 (the Latin-1 {@code café}, byte 0xE9) is {@code caf\xe9}, the UTF-8 text {@code caf\xe9} is
 * {@code caf\\xe9}, a target holding a newline is one line; in {@code --output json} a UTF-8 target is the target itself
 * ({@code linkTargetEscaped: false}, a backslash and a newline as they are) and any other escaped with
 * {@code linkTargetEscaped: true}. Before session 24 the search gave every target escaped, in JSON too, with no flag
 * (checked: this test failed so). One appliance boot for each search.
 */
class FilesSearchLinkTargetCliIT {
    @TempDir Path dir;

    @Test
    void searchGivesLinkTargetsAsTheListingDoes() throws Exception {
        FilesVault web = FilesVault.init(dir);
        Path tree = Files.createDirectories(dir.resolve("tree").resolve("srv"));
        Files.writeString(tree.resolve("plain.txt"), "plain");
        DiskWithFiles.shell("cd \"$1\" && ln -s \"$(printf 'caf\\351')\" l-latin && ln -s 'caf\\xe9' l-spelt"
                + " && ln -s plain.txt l-plain && ln -s \"$(printf 'two\\nlines')\" l-broken", tree);
        web.backUp(tree.getParent(), Files.createDirectories(dir.resolve("img")).resolve("vda"));

        JsonNode matches = new ObjectMapper().readTree(CliRun.run(web.keyRing(), "files", "search", "web", "--vault",
                web.vault().toString(), "--name", "l-*", "--path", "/srv", "--output", "json").ok().out()).path("matches");
        Map<String, JsonNode> byPath = new HashMap<>();
        matches.forEach(m -> byPath.put(m.path("path").asText(), m));
        assertEquals(4, byPath.size(), matches.toString());
        assertLink(byPath.get("/srv/l-latin"), "caf\\xe9", true);
        assertLink(byPath.get("/srv/l-spelt"), "caf\\xe9", false);
        assertLink(byPath.get("/srv/l-plain"), "plain.txt", false);
        assertLink(byPath.get("/srv/l-broken"), "two\nlines", false);

        String text = CliRun.run(web.keyRing(), "files", "search", "web", "--vault", web.vault().toString(),
                "--name", "l-*", "--path", "/srv").ok().out();
        Map<String, String> shown = new HashMap<>();
        String path = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("/srv/")) {
                path = line.substring(0, line.indexOf(" ("));
            } else if (line.contains(" -> ")) {
                String target = line.substring(line.indexOf(" -> ") + 4).strip();
                shown.put(path, target.substring(0, target.lastIndexOf(' ')).strip()); // the change (NEW) follows
            }
        }
        assertEquals(Map.of("/srv/l-latin", "caf\\xe9", "/srv/l-spelt", "caf\\\\xe9", "/srv/l-plain", "plain.txt",
                "/srv/l-broken", "two\\nlines"), shown, text);
        assertFalse(text.contains("\uFFFD"), text);
        assertEquals(1 + 4 * 2, text.lines().count(), "one line a path and one a point: " + text);
    }

    private static void assertLink(JsonNode match, String target, boolean escaped) {
        assertTrue(match != null && "SYMLINK".equals(match.path("type").asText()), String.valueOf(match));
        assertEquals(target, match.path("linkTarget").asText(), match.toString());
        assertTrue(match.has("linkTargetEscaped"), "the flag is given: " + match);
        assertEquals(escaped, match.path("linkTargetEscaped").asBoolean(), match.toString());
    }
}

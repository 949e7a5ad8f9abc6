package coffer.cli;

import coffer.testing.DiskWithFiles;
import coffer.testing.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer files search} offline on a vault (one appliance boot under TCG, tens of seconds): two image points of
 * {@code web} where {@code /etc/x} changes; the text output grouped by path with each point's line, the change marked,
 * a guest's name holding a newline or a byte that is not UTF-8 shown escaped on one line; the JSON holding every field
 * and the newline name itself; {@code files ls} showing the newline name escaped on one line and the name that is not
 * UTF-8 escaped and described.
 */
class FilesSearchCliIT {
    @TempDir Path dir;

    @Test
    void searchesTwoPointsAndShowsVersionsWithOddNamesOnOneLineEach() throws Exception {
        FilesVault web = FilesVault.init(dir);
        Path keyRing = web.keyRing();
        Path vault = web.vault();
        for (String content : List.of("one\n", "two\n")) {
            Path tree = Files.createDirectories(dir.resolve("tree").resolve(content.trim()).resolve("etc"));
            Files.writeString(tree.resolve("x"), content);
            DiskWithFiles.shell("printf odd > \"$1/$(printf 'x\\nodd')\" && printf bad > \"$1/$(printf 'x\\377')\"", tree);
            web.backUp(tree.getParent(), Files.createDirectories(dir.resolve("img-" + content.trim())).resolve("vda"));
        }

        String json = CliRun.run(keyRing, "files", "search", "web", "--vault", vault.toString(), "--name", "x*", "--path", "/etc",
                "--output", "json").ok().out();
        JsonNode result = new ObjectMapper().readTree(json);
        assertEquals(6, result.path("count").asInt(), json);
        assertEquals(2, result.path("pointsSearched").asInt());
        assertEquals(1, result.path("appliances").asInt());
        List<String> paths = new ArrayList<>();
        result.path("matches").forEach(m -> paths.add(m.path("path").asText() + " " + m.path("change").asText()));
        assertEquals(List.of("/etc/x new", "/etc/x changed", "/etc/x\nodd new", "/etc/x\nodd same", "/etc/x\\xff new",
                "/etc/x\\xff same"), paths);
        JsonNode first = result.path("matches").get(0);
        assertEquals(TestData.sha256("one\n".getBytes(StandardCharsets.UTF_8)), first.path("sha256").asText());
        for (String field : List.of("point", "pointTime", "disk", "filesystem", "path", "escaped", "type", "size", "modified",
                "sha256", "version", "change")) {
            assertTrue(first.has(field), field + " in " + first);
        }
        assertTrue(result.path("matches").get(4).path("escaped").asBoolean());

        String text = CliRun.run(keyRing, "files", "search", "web", "--vault", vault.toString(), "--name", "x*", "--path", "/etc")
                .ok().out();
        List<String> lines = text.lines().toList();
        assertEquals(1 + 3 * 3, lines.size(), text);
        assertTrue(lines.get(1).startsWith("/etc/x (vda /dev/sda): 2 version(s) in 2 point(s)"), text);
        assertTrue(lines.get(2).endsWith("NEW") && lines.get(3).endsWith("CHANGED"), text);
        assertTrue(lines.get(4).startsWith("/etc/x\\nodd (vda /dev/sda): 1 version(s) in 2 point(s)"), text);
        assertTrue(lines.get(7).startsWith("/etc/x\\xff (vda /dev/sda): 1 version(s) in 2 point(s)"), text);

        // 'files ls' shows the same names escaped, one entry a line (before session 18 the newline split the entry)
        String point = result.path("matches").get(0).path("point").asText();
        String listing = CliRun.run(keyRing, "files", "ls", point, "vda", "/etc", "--vault", vault.toString()).ok().out();
        List<String> entries = listing.lines().toList();
        assertEquals(3, entries.size(), listing);
        assertTrue(entries.get(1).endsWith(" x\\nodd"), listing);
        // a name that is not UTF-8 is shown escaped and still described (before session 18: 'unknown', size 0)
        assertTrue(entries.get(2).startsWith("file ") && entries.get(2).endsWith(" x\\xff"), listing);
        assertTrue(entries.get(2).matches(".* 3 +\\d{4}-.*"), listing);
    }
}

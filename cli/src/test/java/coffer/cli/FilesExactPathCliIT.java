package coffer.cli;

import coffer.testing.DiskWithFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A name copied from {@code coffer files search} works as typed (docs/cli.md, "Files of a point"), offline on a vault:
 * the search prints its per-point lines on stderr and shows a name that is not UTF-8 escaped; {@code files stat} of that
 * escaped name describes the file (its bytes handed to libguestfs); a bad escape is refused before any appliance boots.
 * Two appliance boots.
 */
class FilesExactPathCliIT {
    @TempDir Path dir;

    @Test
    void aSearchedNameIsStatedAsPrinted() throws Exception {
        FilesVault web = FilesVault.init(dir);
        Path keyRing = web.keyRing();
        Path vault = web.vault();
        Path tree = Files.createDirectories(dir.resolve("tree").resolve("etc"));
        DiskWithFiles.shell("printf bad > \"$1/$(printf 'x\\377')\" && printf back > \"$1/x\\\\y\"", tree);
        web.backUp(tree.getParent(), Files.createDirectories(dir.resolve("img")).resolve("vda"));

        CliRun search = CliRun.run(keyRing, "files", "search", "web", "--vault", vault.toString(), "--name", "x*", "--path", "/etc")
                .ok();
        List<String> lines = search.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("/etc/x\\xff (vda /dev/sda)")), search.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("/etc/x\\\\y (vda /dev/sda)")), search.out());
        String point = lines.get(2).trim().split(" +")[0];
        assertTrue(search.err().contains("search: appliance 1 booted"), search.err());
        assertTrue(search.err().contains("search: point " + point + " searched (1 of 1)"), search.err());

        // the names as printed, typed back: one appliance boots for the stat of the non-UTF-8 name
        String stat = CliRun.run(keyRing, "files", "stat", point, "vda", "/etc/x\\xff", "--vault", vault.toString(),
                "--output", "json").ok().out();
        com.fasterxml.jackson.databind.JsonNode file = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stat)
                .path("files").get(0);
        assertEquals("x\\xff", file.path("name").asText(), stat);
        assertTrue(file.path("escaped").asBoolean(), stat);
        assertEquals(3, file.path("size").asLong(), stat);

        CliRun bad = CliRun.run(keyRing, "files", "stat", point, "vda", "/etc/x\\q", "--vault", vault.toString()).fails(2, "InvalidArgument");
        assertTrue(bad.err().contains("bad escape '\\q'"), bad.err());
    }
}

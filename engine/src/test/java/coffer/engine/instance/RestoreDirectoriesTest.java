package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a server's restores may create files: a table of paths, symbolic links and {@code ..} included. */
class RestoreDirectoriesTest {
    @TempDir Path dir;
    RestorePlaces places;
    Path elsewhere;

    @BeforeEach
    void setUp() throws Exception {
        places = RestorePlaces.in(dir);
        Path restores = places.restores();
        elsewhere = Files.createDirectories(dir.resolve("etc/cron.d"));
        Files.createDirectories(places.images().resolve("sub"));
        Files.createDirectories(restores.resolve("web/2026"));
        Files.createSymbolicLink(restores.resolve("escape"), elsewhere);
        Files.createSymbolicLink(restores.resolve("web/inside"), restores.resolve("web/2026"));
    }

    private void allowed(String path) {
        places.check(dir.resolve(path));
    }

    private String refused(String path) {
        CofferException e = assertThrows(CofferException.class,
                () -> places.check(path.startsWith("/") ? Path.of(path) : dir.resolve(path)), path);
        assertEquals(ErrorCode.RestoreTargetNotAllowed, e.code(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void beneathARestoreDirectoryAndBesideTheInstancesDisksIsAllowed() {
        allowed("data/restores/vda.raw");
        allowed("data/restores/web/2026/vda.qcow2");
        allowed("data/restores/web/inside/vda.qcow2");
        allowed("images/web-1-copy-vda.qcow2");
    }

    @Test
    void anythingElseIsRefusedNamingWhereARestoreMayWrite() {
        String message = refused("etc/cron.d/x");
        assertTrue(message.contains(places.restores().toString()) && message.contains(places.images().toString()), message);
        refused("/etc/cron.d/coffer");
        refused("images/sub/x.qcow2");                   // the disks' directory itself, not beneath it
        refused("data/restores/escape/x");                // a link out of a restore directory
        refused("data/restores/../../etc/cron.d/x");       // .. out of it
        refused("data/restores/missing/x");               // a directory that does not exist
        refused("data");                                 // beside, not beneath
        assertTrue(refused("/").contains("names no file"));
        CofferException relative = assertThrows(CofferException.class, () -> places.rule().check(Path.of("vda.raw"), List.of()));
        assertTrue(relative.getMessage().contains("not an absolute path"), relative.getMessage());
    }

    @Test
    void theOfflineCommandLineIsNotRestricted() {
        RestoreDirectories.anywhere().check(elsewhere.resolve("x"), List.of());
        RestoreDirectories.anywhere().check(Path.of("relative.raw"), List.of());
    }

    @Test
    void restoreDirectoriesMustBeAbsolute() {
        assertThrows(IllegalArgumentException.class, () -> RestoreDirectories.under(List.of(Path.of("restores"))));
    }
}

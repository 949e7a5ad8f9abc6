package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore target that is itself a symbolic link, in an allowed directory: a restore with {@code force} over a
 * block device writes through the link, so the place it leads to must be allowed as well (docs/server.md, "Restore
 * directories"; docs/reliability.md, session 19). Only the directory was checked before.
 */
class RestoreTargetLinkTest {
    @TempDir Path dir;
    RestorePlaces places;
    Path restores;
    Path images;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        places = RestorePlaces.in(dir);
        restores = places.restores();
        images = places.images();
        outside = Files.writeString(Files.createDirectories(dir.resolve("host")).resolve("device"), "host's");
    }

    private void check(Path file) {
        places.check(file);
    }

    @Test
    void aLinkLeadingOutOfTheRestoreDirectoriesIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(restores.resolve("vda.raw"), outside);
        CofferException e = assertThrows(CofferException.class, () -> check(link));
        assertEquals(ErrorCode.RestoreTargetNotAllowed, e.code());
        assertTrue(e.getMessage().contains("symbolic link to " + outside.toRealPath()), e.getMessage());

        Path besideDisks = Files.createSymbolicLink(images.resolve("web-1-vda.raw"), outside);
        assertEquals(ErrorCode.RestoreTargetNotAllowed, assertThrows(CofferException.class, () -> check(besideDisks)).code());
    }

    @Test
    void aLinkToNothingIsRefused() throws Exception {
        Path dangling = Files.createSymbolicLink(restores.resolve("vdb.raw"), dir.resolve("host/not-yet"));
        CofferException e = assertThrows(CofferException.class, () -> check(dangling));
        assertEquals(ErrorCode.RestoreTargetNotAllowed, e.code());
        assertTrue(e.getMessage().contains("symbolic link to nothing"), e.getMessage());
    }

    @Test
    void aLinkStayingInsideIsAllowedAsArePlainFiles() throws Exception {
        Path inside = Files.writeString(Files.createDirectories(restores.resolve("web")).resolve("vda.raw"), "old");
        check(Files.createSymbolicLink(restores.resolve("current.raw"), inside));
        check(Files.createSymbolicLink(images.resolve("web-1-copy.raw"), inside));
        check(restores.resolve("new.raw"));
        check(Files.writeString(restores.resolve("existing.raw"), "old"));
    }
}

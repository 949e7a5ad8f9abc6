package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paths chosen in a point's file system become relative archive names that never climb out. */
class GuestPathTest {
    @Test
    void absolutePathsBecomeRelativeArchiveNames() {
        assertEquals("etc/hosts", GuestPath.parse("/etc/hosts").archiveName(false));
        assertEquals("etc/", GuestPath.parse("//etc/./").archiveName(true));
        assertEquals("/etc/hosts", GuestPath.parse("/etc//./hosts").absolute());
        assertTrue(GuestPath.parse("/").isRoot());
        assertEquals("/", GuestPath.parse("/.").absolute());
        assertEquals("a b/c\nd", GuestPath.parse("/a b").child("c\nd").archiveName(false));
    }

    @Test
    void relativePathsDotDotAndNulAreRefused() {
        for (String bad : List.of("etc/hosts", "", "/etc/../../root", "/..", "/a/..", "/a\0b")) {
            CofferException e = assertThrows(CofferException.class, () -> GuestPath.parse(bad), bad);
            assertEquals(ErrorCode.InvalidArgument, e.code());
        }
        assertThrows(CofferException.class, () -> GuestPath.parse(null));
    }

    @Test
    void aGuestNameMustBeOnePlainComponent() {
        for (String bad : List.of("", ".", "..", "a/b", "/", "x\0")) {
            assertFalse(GuestPath.plain(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> GuestPath.ROOT.child(bad), bad);
        }
        assertTrue(GuestPath.plain("...") && GuestPath.plain(".hidden") && GuestPath.plain("a\\b"));
    }
}
